// A model bundle, loaded: manifest validated, every file inside the folder and verified.
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { HearError } from '../errors';
import type { ModelRef } from '../types';
import type { HashCache } from './hash-cache';
import { DEFAULT_MIN_FRAMES, type Manifest } from './manifest';
import { validateManifest } from './validate';
import { verifyFile, type VerifiedFile } from './verify';

export * from './manifest';
export { HashCache } from './hash-cache';
export { DEFAULT_MODEL_ID, defaultModelInstalled, listBundles, packageRoot, resolveBundleDir, searchRoots, type BundleEntry } from './registry';
export { semanticProblems, validateManifest } from './validate';
export { resolveInside, type VerifiedFile } from './verify';

export interface Bundle {
  /** Real path of the bundle folder. */
  dir: string;
  manifest: Manifest;
  /** Every listed file, verified, in manifest order. */
  files: VerifiedFile[];
}

/** Read and validate `dir`/manifest.json (no file hashing: cheap enough for activation). */
export async function readManifest(dir: string): Promise<{ dir: string; manifest: Manifest }> {
  let real: string;
  let text: string;
  try {
    real = await realpath(dir);
    text = await readFile(join(real, 'manifest.json'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const cause = code === 'ENOENT' ? 'no manifest.json here (or no such folder)' : `manifest.json cannot be read (${(err as Error).message})`;
    throw new HearError('BAD_BUNDLE', cause, dir, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HearError('BAD_BUNDLE', `manifest.json is not valid JSON (${(err as Error).message})`, real, { cause: err });
  }
  return { dir: real, manifest: validateManifest(value, real) };
}

/** Check every listed file of a validated manifest. `forceHash` rehashes every file (`hear models verify`). */
export async function verifyBundle(dir: string, manifest: Manifest, hashCache: HashCache, forceHash = false): Promise<Bundle> {
  await hashCache.load();
  const files: VerifiedFile[] = [];
  try {
    for (const f of manifest.files) files.push(await verifyFile(dir, f, hashCache, forceHash));
  } finally {
    await hashCache.save();
  }
  return { dir, manifest, files };
}

/** Read, validate and verify the bundle in `dir`. */
export async function loadBundle(dir: string, hashCache: HashCache, forceHash = false): Promise<Bundle> {
  const { dir: real, manifest } = await readManifest(dir);
  return verifyBundle(real, manifest, hashCache, forceHash);
}

/** Real path of a file the manifest references (already checked to be listed and inside the folder). */
export function bundlePath(bundle: Bundle, rel: string): string {
  const f = bundle.files.find((v) => v.path === rel);
  if (!f) throw new HearError('BAD_BUNDLE', `'${rel}' is not listed in files`, bundle.dir);
  return f.realPath;
}

export function modelRef(m: Manifest): ModelRef {
  return { id: m.id, name: m.name, version: m.version, proxy: m.proxy, ...(m.proxyNote ? { proxyNote: m.proxyNote } : {}) };
}

export function minFrames(m: Manifest): number {
  return m.head.minFrames ?? DEFAULT_MIN_FRAMES;
}
