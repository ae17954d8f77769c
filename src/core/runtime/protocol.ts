// Messages between the engine (main thread) and an inference worker. Plain data only.
import type { HearErrorCode } from '../errors';
import type { PipelineInput, PipelinePlan, PipelineResult } from '../pipeline';
import type { ProviderChoice, ProviderReport } from '../types';

export interface WorkerSetup {
  provider: ProviderChoice;
  threads: number;
}

export interface JobMessage {
  type: 'job';
  id: number;
  file: string;
  plan: PipelinePlan;
  input: PipelineInput;
  /** Int32Array over this: element 0 set to 1 asks the worker to stop between graph runs. */
  cancel: SharedArrayBuffer;
}

/** Release every session, then answer 'disposed'. */
export interface DisposeMessage {
  type: 'dispose';
}

export interface SerializedError {
  code?: HearErrorCode;
  message: string;
  file?: string;
}

export type WorkerReply =
  | { type: 'progress'; id: number; fraction: number; stage: 'sources' | 'head' | 'segments' }
  | { type: 'done'; id: number; result: PipelineResult; report?: ProviderReport }
  | { type: 'failed'; id: number; error: SerializedError; report?: ProviderReport }
  | { type: 'disposed' };
