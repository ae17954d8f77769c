// SongScore values for the extension's unit tests and the tree benchmark.
import { DIMENSIONS, OFFICIAL_THRESHOLDS, type SongScore } from '../../src/core/types';

export function songScore(file: string, scores: number[], options: { proxy?: boolean; segments?: number } = {}): SongScore {
  const thresholds = DIMENSIONS.map((d) => OFFICIAL_THRESHOLDS[d]);
  const topTier = scores.map((v, i) => v >= thresholds[i]);
  const overall = scores.reduce((a, b) => a + b, 0) / scores.length;
  return {
    file,
    contentHash: '0'.repeat(64),
    model: { id: 'tiny-hear', name: 'Tiny HEAR', version: '0.1.0', proxy: options.proxy ?? true, proxyNote: 'Random weights.' },
    labels: [...DIMENSIONS],
    thresholds,
    scores,
    overall,
    topTier,
    allTopTier: topTier.every(Boolean),
    segments: Array.from({ length: options.segments ?? 1 }, (_, index) => ({ index, start: index * 30, end: index * 30 + 30, scores })),
    provider: 'cpu',
    timings: { decodeMs: 10, sourcesMs: 20, headMs: 5, segmentsMs: 5, totalMs: 40 },
    scoredAt: '2026-11-26T06:00:00.000Z',
  };
}

/** 10,000 songs in 100 folders; every second one scored with varied numbers. */
export function syntheticLibrary(songs = 10_000, folders = 100): { files: string[]; scores: Map<string, SongScore> } {
  const files: string[] = [];
  const scores = new Map<string, SongScore>();
  for (let i = 0; i < songs; i++) {
    const file = `/music/set-${String(i % folders).padStart(3, '0')}/track-${i}.wav`;
    files.push(file);
    if (i % 2 === 0) {
      const base = 2 + ((i * 7919) % 300) / 100;
      scores.set(file, songScore(file, [base, base - 0.1, base - 0.3, base + 0.1, base]));
    }
  }
  return { files, scores };
}
