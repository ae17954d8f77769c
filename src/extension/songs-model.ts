// What each row of the Songs view shows, as plain data: the view turns it into
// TreeItems. Kept free of vscode so the 10,000-song benchmark and unit tests run
// in plain Node.
import * as path from 'node:path';
import type { SongFailure, SongScore } from '../core/types';
import { BAND_COLOR, bandOf, folderDescription, folderStats, formatScore, songDescription, songTooltip } from './format';
import type { SongIndex, SortOrder } from './song-index';

export type SongNode =
  | { kind: 'folder'; dir: string }
  | { kind: 'song'; file: string }
  | { kind: 'dimension'; file: string; index: number };

export interface ItemSpec {
  id: string;
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  icon: { id: string; color?: string };
  contextValue: string;
  collapsible: boolean;
  /** The file or folder the row stands for. */
  resource?: string;
}

export interface ResultLookup {
  score(file: string): SongScore | undefined;
  failure(file: string): SongFailure | undefined;
}

export function folderLabel(dir: string, roots: readonly { name: string; dir: string }[]): string {
  for (const r of roots) {
    const rel = path.relative(r.dir, dir);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
      const shown = rel === '' ? r.name : rel.split(path.sep).join('/');
      return roots.length > 1 && rel !== '' ? `${r.name}/${shown}` : shown;
    }
  }
  return dir;
}

export function folderSpec(dir: string, index: SongIndex, results: ResultLookup, label: string): ItemSpec {
  const files = index.filesIn(dir);
  const stats = folderStats(files, (f) => results.score(f), (f) => results.failure(f) !== undefined);
  return {
    id: `folder:${dir}`,
    label,
    description: folderDescription(stats),
    tooltip: `${dir}\n\n${folderDescription(stats)}`,
    icon: { id: stats.topTier ? 'star-full' : 'folder', color: stats.topTier ? BAND_COLOR.top : undefined },
    contextValue: 'folder',
    collapsible: true,
    resource: dir,
  };
}

export function songSpec(file: string, results: ResultLookup): ItemSpec {
  const name = path.basename(file);
  const base = { id: `song:${file}`, label: name, resource: file };
  const score = results.score(file);
  if (score) {
    return {
      ...base,
      description: songDescription(score),
      tooltip: songTooltip(score, name),
      icon: { id: 'music', color: BAND_COLOR[bandOf(score)] },
      contextValue: 'song.scored',
      collapsible: true,
    };
  }
  const failure = results.failure(file);
  if (failure) {
    return {
      ...base,
      description: `failed: ${failure.error.replace(`${file}: `, '')}`,
      tooltip: `**${name}** could not be scored\n\n${failure.error} (${failure.code})`,
      icon: { id: 'error', color: 'list.errorForeground' },
      contextValue: 'song.failed',
      collapsible: false,
    };
  }
  return {
    ...base,
    description: 'not scored',
    tooltip: `**${name}** is not scored yet: use Score Song.`,
    icon: { id: 'circle-outline' },
    contextValue: 'song.unscored',
    collapsible: false,
  };
}

export function dimensionSpecs(score: SongScore): ItemSpec[] {
  return score.labels.map((label, i) => ({
    id: `dimension:${score.file}:${i}`,
    label,
    description: `${formatScore(score.scores[i])} (≥ ${formatScore(score.thresholds[i])})${score.topTier[i] ? ' ★' : ''}`,
    tooltip: `${label}: ${formatScore(score.scores[i])}, top-tier at ${formatScore(score.thresholds[i])} or more${score.topTier[i] ? ': reached' : ''}`,
    icon: { id: score.topTier[i] ? 'star-full' : 'circle-small', color: score.topTier[i] ? BAND_COLOR.top : undefined },
    contextValue: score.topTier[i] ? 'dimension.topTier' : 'dimension',
    collapsible: false,
  }));
}

/** The child rows of `node` (the root when undefined), in the view's order. */
export function childNodes(node: SongNode | undefined, index: SongIndex, results: ResultLookup, order: SortOrder): SongNode[] {
  if (!node) return index.folders().map((dir) => ({ kind: 'folder', dir }));
  if (node.kind === 'folder') {
    return index.sortedFiles(node.dir, order, (f) => results.score(f)?.overall).map((file) => ({ kind: 'song', file }));
  }
  if (node.kind === 'song') {
    const score = results.score(node.file);
    return score ? score.labels.map((_, index) => ({ kind: 'dimension', file: node.file, index })) : [];
  }
  return [];
}
