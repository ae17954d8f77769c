// JSON state files (score store, verified-hash cache): written atomically and
// read forgivingly, so a crash or a hand edit never takes the engine down.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Log } from './log';


/** Write `value` to `file` through a temp file + rename: readers see the old or the new file, never half of one. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(value));
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/**
 * Read a JSON state file. Missing -> undefined. Unparseable or failing `isValid` -> renamed aside to
 * `<file>.corrupt-<time>` with a warning and treated as missing, so the caller starts afresh.
 */
export async function readJsonOrSetAside<T>(file: string, isValid: (v: unknown) => v is T, log: Log): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let problem: string;
  try {
    const value: unknown = JSON.parse(text);
    if (isValid(value)) return value;
    problem = 'unexpected structure';
  } catch (err) {
    problem = (err as Error).message;
  }
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rename(file, aside).catch(() => undefined);
  log('warn', `${file}: unreadable (${problem}); moved aside to ${aside} and starting afresh`);
  return undefined;
}

/** A plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
