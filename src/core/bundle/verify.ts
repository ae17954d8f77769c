// Keeps a bundle's files honest: every path stays inside the bundle folder (symlinks
// resolved), and every file's bytes match the manifest's size and sha256.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { HearError } from '../errors';
import { sha256File } from '../hash';
import type { HashCache } from './hash-cache';
import type { ManifestFile } from './manifest';

/** Absolute real path of `rel` inside `dir`, refusing anything that resolves outside it. */
export async function resolveInside(dir: string, rel: string): Promise<string> {
  const root = await realpath(dir);
  let real: string;
  try {
    real = await realpath(join(root, rel));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const cause = code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? (err as Error).message})`;
    throw new HearError('BAD_BUNDLE', `'${rel}' ${cause}`, dir, { cause: err });
  }
  const inside = relative(root, real);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new HearError('BAD_BUNDLE', `'${rel}' resolves to ${real}, outside the bundle folder`, dir);
  }
  return real;
}

export interface VerifiedFile extends ManifestFile {
  /** Absolute real path. */
  realPath: string;
  /** True when the sha256 was recomputed now; false when remembered from an earlier check of the same size and mtime. */
  hashedNow: boolean;
}

/**
 * Check one listed file: inside the folder, a regular file, the declared size, the declared sha256.
 * `force` rehashes even when the cache remembers this size and mtime.
 */
export async function verifyFile(dir: string, file: ManifestFile, cache: HashCache, force = false): Promise<VerifiedFile> {
  const realPath = await resolveInside(dir, file.path);
  const info = await stat(realPath);
  if (!info.isFile()) throw new HearError('BAD_BUNDLE', `'${file.path}' is not a regular file`, dir);
  if (info.size !== file.bytes) {
    throw new HearError('HASH_MISMATCH', `'${file.path}' has ${info.size} bytes, the manifest says ${file.bytes}`, dir);
  }
  const remembered = force ? undefined : cache.get(realPath, info.size, info.mtimeMs);
  const sha256 = remembered ?? (await sha256File(realPath));
  if (sha256 !== file.sha256) {
    throw new HearError('HASH_MISMATCH', `'${file.path}' has sha256 ${sha256}, the manifest says ${file.sha256}`, dir);
  }
  if (!remembered) cache.set(realPath, info.size, info.mtimeMs, sha256);
  return { ...file, realPath, hashedNow: !remembered };
}
