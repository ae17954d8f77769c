// What a file's container says about itself (duration, codec, rate, channels, bitrate, tags), read by
// music-metadata without decoding any audio. It is ESM-only, hence the dynamic import (works under tsx
// and in the esbuild bundle alike).

import { stat } from 'node:fs/promises';
import type { IAudioMetadata } from 'music-metadata' with { 'resolution-mode': 'import' };
import { HearError, asHearError } from '../errors';

export interface ContainerFacts {
  /** Seconds the container declares (not necessarily what decodes). */
  durationSeconds?: number;
  /** Lower-case "container/codec", e.g. "mpeg/mpeg 1 layer 3". */
  format?: string;
  sampleRate?: number;
  channels?: number;
  bitrate?: number;
  bitsPerSample?: number;
  tags: Record<string, string>;
}

/** ffmpeg writes an MP3's comment as a user-defined ID3 frame (TXXX:comment), which `common` leaves out. */
function id3UserComment(native: IAudioMetadata['native']): string | undefined {
  for (const tags of Object.values(native)) {
    const tag = tags.find((t) => t.id.toLowerCase() === 'txxx:comment');
    if (tag) return String(tag.value);
  }
  return undefined;
}

function tagsOf({ common, native }: IAudioMetadata): Record<string, string> {
  const tags: Record<string, string> = {};
  const put = (key: string, value: string | number | undefined) => {
    const text = value === undefined ? '' : String(value).trim();
    if (text) tags[key] = text;
  };
  put('title', common.title);
  put('artist', common.artist);
  put('album', common.album);
  put('genre', common.genre?.join(', '));
  put('year', common.year);
  put('comment', common.comment?.map((c) => c.text ?? '').filter(Boolean).join(' / ') || id3UserComment(native));
  return tags;
}

/** Container facts; throws whatever music-metadata throws (callers decide how much it matters). */
export async function readContainerFacts(file: string): Promise<ContainerFacts> {
  const { parseFile } = await import('music-metadata');
  const metadata = await parseFile(file, { duration: false, skipCovers: true });
  const { format } = metadata;
  const lower = (s: string | undefined) => s?.toLowerCase();
  const formatName = [lower(format.container), lower(format.codec)].filter(Boolean).join('/');
  return {
    durationSeconds: format.duration,
    format: formatName || undefined,
    sampleRate: format.sampleRate,
    channels: format.numberOfChannels,
    bitrate: format.bitrate === undefined ? undefined : Math.round(format.bitrate),
    bitsPerSample: format.bitsPerSample,
    tags: tagsOf(metadata),
  };
}

/** Refuse what is not a non-empty regular file, with the cause named. */
export async function checkRegularFile(file: string): Promise<number> {
  const info = await stat(file).catch((err: unknown) => {
    throw asHearError(err, file);
  });
  if (info.isDirectory()) throw new HearError('NOT_A_FILE', 'is a directory, not an audio file', file);
  if (!info.isFile()) throw new HearError('NOT_A_FILE', 'is not a regular file', file);
  if (info.size === 0) throw new HearError('EMPTY', 'file is empty (0 bytes)', file);
  return info.size;
}
