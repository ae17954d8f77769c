// Pairing the songs of two runs (checkpoint A and checkpoint B), which often
// share prompts and so file names: first by path relative to each run's root
// folder, then, among the rest, by file name. Extensions are ignored (A may
// write .wav where B writes .mp3); a key that is not unique on both sides
// pairs nothing, so a song is never paired twice.
import { dirname, relative } from 'node:path';
import { fileStem, withoutExtension } from '../labels';

export interface Pair<T> {
  a: T;
  b: T;
  /** What they were paired by (relative path or file name, without extension). */
  key: string;
}

export interface Pairing<T> {
  pairs: Pair<T>[];
  byPath: number;
  byName: number;
  unpairedA: T[];
  unpairedB: T[];
}

function slash(path: string): string {
  return path.replace(/\\/g, '/');
}

/** The deepest folder holding every file (the run's root when none was given). */
export function commonFolder(files: string[]): string {
  if (files.length === 0) return '';
  let parts = slash(dirname(slash(files[0]!))).split('/');
  for (const f of files.slice(1)) {
    const other = slash(dirname(slash(f))).split('/');
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join('/') || '/';
}

/** Pairs whose key is unique on both sides; returns the leftovers. */
function pairByKey<T>(a: T[], b: T[], key: (song: T, side: 'a' | 'b') => string): { pairs: Pair<T>[]; restA: T[]; restB: T[] } {
  const index = (songs: T[], side: 'a' | 'b') => {
    const map = new Map<string, T[]>();
    for (const s of songs) {
      const k = key(s, side);
      const same = map.get(k);
      if (same) same.push(s);
      else map.set(k, [s]);
    }
    return map;
  };
  const ia = index(a, 'a');
  const ib = index(b, 'b');
  const pairs: Pair<T>[] = [];
  const paired = new Set<T>();
  for (const [k, songsA] of ia) {
    const songsB = ib.get(k);
    if (songsA.length === 1 && songsB?.length === 1) {
      pairs.push({ a: songsA[0]!, b: songsB[0]!, key: k });
      paired.add(songsA[0]!).add(songsB[0]!);
    }
  }
  return { pairs, restA: a.filter((s) => !paired.has(s)), restB: b.filter((s) => !paired.has(s)) };
}

/**
 * Pair A's songs with B's. `rootA` / `rootB` are the folders each run was
 * scored from; by default the deepest folder holding all of a side's files.
 */
export function pairSongs<T extends { file: string }>(a: T[], b: T[], rootA?: string, rootB?: string): Pairing<T> {
  const roots = {
    a: slash(rootA ?? commonFolder(a.map((s) => s.file))),
    b: slash(rootB ?? commonFolder(b.map((s) => s.file))),
  };
  const byPath = pairByKey(a, b, (s, side) => withoutExtension(relative(roots[side], slash(s.file))));
  const byName = pairByKey(byPath.restA, byPath.restB, (s) => fileStem(s.file));
  return {
    pairs: [...byPath.pairs, ...byName.pairs],
    byPath: byPath.pairs.length,
    byName: byName.pairs.length,
    unpairedA: byName.restA,
    unpairedB: byName.restB,
  };
}
