// One error type for everything the engine refuses, so every face can show
// "file: cause" and batch loops can tell a bad input from a bug.

export type HearErrorCode =
  | 'NOT_FOUND'
  | 'NOT_A_FILE'
  | 'PERMISSION'
  | 'EMPTY'
  | 'UNSUPPORTED_FORMAT'
  | 'CORRUPT'
  | 'TRUNCATED'
  | 'TOO_LARGE'
  | 'TOO_SHORT'
  | 'BAD_SAMPLES'
  | 'NO_DECODER'
  | 'BAD_BUNDLE'
  | 'HASH_MISMATCH'
  | 'BAD_FEATURES'
  | 'LENGTH_MISMATCH'
  | 'PROVIDER'
  | 'INFERENCE'
  | 'BAD_LABELS'
  | 'CANCELLED';

export class HearError extends Error {
  readonly code: HearErrorCode;
  /** The file (audio, bundle folder, labels file) the error is about. */
  readonly file: string | undefined;

  constructor(code: HearErrorCode, message: string, file?: string, options?: { cause?: unknown }) {
    super(file ? `${file}: ${message}` : message, options);
    this.name = 'HearError';
    this.code = code;
    this.file = file;
  }
}

/**
 * The cause alone of a HearError's message (which starts "file: "), to rebuild the error on the
 * other side of a thread boundary without doubling the file.
 */
export function causeOf(message: string, file: string | undefined): string {
  return file && message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}

/** Turn anything thrown into a HearError about `file`, keeping known causes. */
export function asHearError(err: unknown, file: string, fallback: HearErrorCode = 'CORRUPT'): HearError {
  if (err instanceof HearError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return new HearError('NOT_FOUND', 'no such file', file, { cause: err });
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return new HearError('PERMISSION', 'permission denied', file, { cause: err });
  if (e?.code === 'EISDIR') return new HearError('NOT_A_FILE', 'is a directory, not an audio file', file, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new HearError(fallback, message, file, { cause: err });
}
