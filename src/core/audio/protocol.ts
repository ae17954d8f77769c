// Messages between loadAudio (caller's thread) and an audio worker: one request, one reply.

import type { HearErrorCode } from '../errors';
import type { AudioInfo } from '../types';
import type { DecodeRequest } from './decode';

export type DecodeReply =
  | { ok: true; samples: Float32Array; info: AudioInfo }
  /** `message` is the cause alone; HearError adds the file when rebuilt on the caller's side. */
  | { ok: false; code: HearErrorCode; message: string; file: string };

export type { DecodeRequest };
