// Which container a file holds, from its first bytes (never from its name: a song renamed to .mp3 is
// still a WAV). MP3 has no magic number, so it is recognised by consecutive valid frame headers.

export type Container =
  | 'wav'
  | 'mp3'
  | 'flac'
  | 'ogg/vorbis'
  | 'ogg/opus'
  | 'ogg/flac'
  | 'ogg'
  | 'mp4'
  | 'matroska'
  | 'aiff'
  | 'asf'
  | 'aac'
  | 'unknown';

/** The cause of a refusal when sniffing found no container ('unknown'). */
export const NO_CONTAINER = 'not a recognised audio format: its first bytes match no audio container (WAV, FLAC, Ogg, MP3, MP4, Matroska, AIFF, ASF, AAC)';

/** Bytes of a file's start that sniffing looks at (after any ID3v2 tag). */
export const SNIFF_BYTES = 1 << 16;

/** Size of a leading ID3v2 tag (header + body + footer), or 0. */
export function id3v2Size(head: Buffer): number {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = ((head[6] & 0x7f) << 21) | ((head[7] & 0x7f) << 14) | ((head[8] & 0x7f) << 7) | (head[9] & 0x7f);
  const footer = head[5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

// kbit/s by [version is MPEG-1][layer 1..3][index]; MPEG-2/2.5 share one table per layer group.
const BITRATES_V1 = [
  [],
  [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
];
const BITRATES_V2 = [
  [],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];
const SAMPLE_RATES = [44100, 48000, 32000];

/** Length in bytes of the MPEG audio frame whose header starts at `at`, or 0 if it is not a valid header. */
function mpegFrameLength(b: Buffer, at: number): number {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1] & 0xe0) !== 0xe0) return 0;
  const versionBits = (b[at + 1] >> 3) & 3; // 0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1
  const layerBits = (b[at + 1] >> 1) & 3; // 1: layer III, 2: layer II, 3: layer I
  const bitrateIndex = b[at + 2] >> 4;
  const rateIndex = (b[at + 2] >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return 0;
  const layer = 4 - layerBits;
  const v1 = versionBits === 3;
  const kbps = (v1 ? BITRATES_V1 : BITRATES_V2)[layer][bitrateIndex];
  const rate = SAMPLE_RATES[rateIndex] / (v1 ? 1 : versionBits === 2 ? 2 : 4);
  const padding = (b[at + 2] >> 1) & 1;
  if (layer === 1) return (Math.floor((12 * kbps * 1000) / rate) + padding) * 4;
  const perFrame = layer === 3 && !v1 ? 72 : 144;
  return Math.floor((perFrame * kbps * 1000) / rate) + padding;
}

/** Three frame headers in a row, each where the previous frame ends (random bytes: ~1e-6 per offset). */
function looksLikeMp3(b: Buffer): boolean {
  for (let at = 0; at + 4 <= b.length; at++) {
    let next = at;
    let frames = 0;
    for (let length; frames < 3 && (length = mpegFrameLength(b, next)) > 0; frames++) next += length;
    if (frames === 3) return true;
  }
  return false;
}

/** The sample rate in the identification header of an Ogg Vorbis stream whose first page starts `head`. */
export function vorbisSampleRate(head: Buffer): number | undefined {
  const at = 27 + head[26] + 12; // the packet: 0x01, "vorbis", version (4 bytes), channels (1), rate (4)
  return at + 4 <= head.length ? head.readUInt32LE(at) || undefined : undefined;
}

/** The container of a file whose (post-ID3) start is `head`. */
export function sniffContainer(head: Buffer): Container {
  const tag = (start: number, end: number) => head.toString('latin1', start, end);
  if (head.length < 4) return 'unknown';
  const magic = tag(0, 4);
  if ((magic === 'RIFF' || magic === 'RF64' || magic === 'BW64' || magic === 'RIFX') && tag(8, 12) === 'WAVE') return 'wav';
  if (magic === 'fLaC') return 'flac';
  if (magic === 'OggS' && head.length > 27) {
    const packet = 27 + head[26];
    if (tag(packet + 1, packet + 7) === 'vorbis') return 'ogg/vorbis';
    if (tag(packet, packet + 8) === 'OpusHead') return 'ogg/opus';
    if (tag(packet + 1, packet + 5) === 'FLAC') return 'ogg/flac';
    return 'ogg';
  }
  if (magic === 'FORM' && (tag(8, 12) === 'AIFF' || tag(8, 12) === 'AIFC')) return 'aiff';
  if (tag(4, 8) === 'ftyp') return 'mp4';
  if (head.readUInt32BE(0) === 0x1a45dfa3) return 'matroska';
  if (head.readUInt32BE(0) === 0x3026b275) return 'asf';
  // ADTS AAC: the MPEG sync word with layer bits 00, which MP3 never uses.
  if (head[0] === 0xff && (head[1] & 0xf6) === 0xf0) return 'aac';
  if (looksLikeMp3(head)) return 'mp3';
  return 'unknown';
}
