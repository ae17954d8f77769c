// What comparisons and reports derive from scored songs, whatever results file
// they came from: the overall score (the mean of the labels), the top-tier
// marks, and the labels a set of songs shares.
import type { ScoredSong } from './labels';

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Per label: score >= threshold, as the engine decides it (a label without a threshold is never top tier). */
export function topTierOf(song: Pick<ScoredSong, 'scores' | 'thresholds'>): boolean[] {
  return song.scores.map((s, i) => s >= song.thresholds[i]!);
}

/** The scores of `labels` in that order, then their mean (the overall score). */
export function labelScores(song: Pick<ScoredSong, 'labels' | 'scores'>, labels: readonly string[]): number[] {
  const values = labels.map((l) => song.scores[song.labels.indexOf(l)]!);
  return [...values, mean(values)];
}

/** The labels every song scored, in the first song's order. */
export function sharedLabels(songs: readonly Pick<ScoredSong, 'labels'>[]): string[] {
  return songs[0]!.labels.filter((l) => songs.every((s) => s.labels.includes(l)));
}
