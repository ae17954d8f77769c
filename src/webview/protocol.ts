// The messages between the report panel (extension) and its webview, shared by
// both sides. Everything arriving from the webview is checked before use.
import type { SongScore } from '../core/types';

export interface ReportData {
  file: string;
  name: string;
  /** The song as a webview resource URI, for the <audio> player. */
  audioUri: string;
  score: SongScore;
  /** Peak amplitude (0..1) per equal slice of the song, for the waveform; empty when it could not be decoded. */
  envelope: number[];
}

export type ToWebview =
  | { type: 'report'; report: ReportData }
  | { type: 'missing'; file: string; name: string; message: string }
  | { type: 'scoring'; file: string; name: string };

export type FromWebview =
  | { type: 'ready' }
  /** Score the song again (a "Score" or "Score again" button). */
  | { type: 'score'; force: boolean }
  /** Open the song in the editor. */
  | { type: 'open' };

/** What the webview keeps with setState, for the panel serializer after a reload. */
export interface ReportState {
  file: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseFromWebview(v: unknown): FromWebview | undefined {
  if (!isRecord(v)) return undefined;
  switch (v.type) {
    case 'ready':
    case 'open':
      return { type: v.type };
    case 'score':
      return typeof v.force === 'boolean' ? { type: 'score', force: v.force } : undefined;
    default:
      return undefined;
  }
}

export function parseReportState(v: unknown): ReportState | undefined {
  return isRecord(v) && typeof v.file === 'string' && v.file.length > 0 ? { file: v.file } : undefined;
}
