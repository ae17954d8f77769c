// Finds bundles: by id in search roots (the package's own models/ folder first, then extra
// roots), or by a path to a bundle folder or its manifest.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { HearError } from '../errors';

/** The bundle `hear` and the extension use when no model is named. */
export const DEFAULT_MODEL_ID = 'hear-lite';

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The folder holding this package's package.json, from src/ (tsx) as from dist/ (bundled). */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'hear-song-aesthetics') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json of hear-song-aesthetics not found above ${__dirname}`);
    dir = parent;
  }
}

/** Folders searched for bundles by id, in order. */
export function searchRoots(extraRoots: readonly string[] = []): string[] {
  return [join(packageRoot(), 'models'), ...extraRoots.map((r) => resolve(r))];
}

/** Whether the package's models/ folder holds the default bundle (for help texts; synchronous, a few folders). */
export function defaultModelInstalled(): boolean {
  const root = join(packageRoot(), 'models');
  const names = existsSync(root) ? readdirSync(root) : [];
  return names.some((name) => {
    try {
      return (JSON.parse(readFileSync(join(root, name, 'manifest.json'), 'utf8')) as { id?: unknown }).id === DEFAULT_MODEL_ID;
    } catch {
      return false;
    }
  });
}

/** What `hear models list` shows for each bundle folder found, readable or not. */
export interface BundleEntry {
  dir: string;
  id?: string;
  version?: string;
  name?: string;
  track?: number;
  proxy?: boolean;
  /** Why the manifest could not be read; the full check is loadBundle's. */
  problem?: string;
}

async function readEntry(dir: string): Promise<BundleEntry> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const task = m.task as { track?: number } | undefined;
    return {
      dir,
      id: typeof m.id === 'string' ? m.id : undefined,
      version: typeof m.version === 'string' ? m.version : undefined,
      name: typeof m.name === 'string' ? m.name : undefined,
      track: typeof task?.track === 'number' ? task.track : undefined,
      proxy: typeof m.proxy === 'boolean' ? m.proxy : undefined,
    };
  } catch (err) {
    return { dir, problem: `manifest.json unreadable: ${(err as Error).message}` };
  }
}

/** Every immediate subfolder of the roots that holds a manifest.json, in root order. */
export async function listBundles(roots: readonly string[]): Promise<BundleEntry[]> {
  const found: BundleEntry[] = [];
  for (const root of roots) {
    const names = await readdir(root).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const dir = join(root, name);
      if (existsSync(join(dir, 'manifest.json'))) found.push(await readEntry(dir));
    }
  }
  return found;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[-+]/)[0]!.split('.').map(Number);
  const pb = b.split(/[-+]/)[0]!.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * The bundle folder `ref` names. A path to an existing folder or manifest.json wins; otherwise
 * `ref` is an id, looked up root by root (highest version within the first root that has it).
 */
export async function resolveBundleDir(ref: string, roots: readonly string[]): Promise<string> {
  const asPath = resolve(ref);
  const info = await stat(asPath).catch(() => undefined);
  if (info?.isFile()) {
    if (basename(asPath) !== 'manifest.json') throw new HearError('BAD_BUNDLE', 'a bundle is a folder or its manifest.json', asPath);
    return dirname(asPath);
  }
  if (info?.isDirectory()) {
    if (!existsSync(join(asPath, 'manifest.json'))) throw new HearError('BAD_BUNDLE', 'folder has no manifest.json', asPath);
    return asPath;
  }
  const looksLikePath = /[/\\]/.test(ref) || ref.endsWith('.json') || ref.startsWith('.');
  if (looksLikePath || !ID_PATTERN.test(ref)) throw new HearError('NOT_FOUND', 'no such bundle folder or manifest.json', asPath);

  for (const root of roots) {
    const matches = (await listBundles([root])).filter((e) => e.id === ref && e.version);
    matches.sort((a, b) => compareVersions(b.version!, a.version!));
    if (matches[0]) return matches[0].dir;
  }
  const where = roots.join(', ');
  if (ref === DEFAULT_MODEL_ID) {
    throw new HearError(
      'NOT_FOUND',
      `the default model '${DEFAULT_MODEL_ID}' is not installed (searched ${where}); name a bundle with --model ID|PATH (a bundle folder or its manifest.json)`,
    );
  }
  throw new HearError('NOT_FOUND', `no bundle with id '${ref}' in ${where}; pass a bundle folder or its manifest.json instead`);
}
