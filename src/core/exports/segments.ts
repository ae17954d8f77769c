// What a DAW marker says about one segment of a song: its overall score (the
// mean of its label scores), each label's score, and whether it is the
// song's weakest or strongest stretch, so a producer can jump to weak passages.
import { mean } from '../song-values';
import type { SongScore } from '../types';

export interface SegmentMarker {
  index: number;
  start: number;
  end: number;
  overall: number;
  /** "weakest" / "strongest" segment of the song, when it has more than one. */
  rank?: 'weakest' | 'strongest';
  name: string;
}

/** "Coherence" -> "Coh": short enough for a marker lane. */
function abbreviation(label: string): string {
  return label.slice(0, 3);
}

/** One marker per segment, in time order; refuses a score without segments. */
export function segmentMarkers(score: Pick<SongScore, 'file' | 'labels' | 'segments'>): SegmentMarker[] {
  const segments = [...score.segments].sort((a, b) => a.start - b.start);
  const overalls = segments.map((s) => mean(s.scores));
  const lowest = overalls.indexOf(Math.min(...overalls));
  const highest = overalls.indexOf(Math.max(...overalls));
  return segments.map((s, i) => {
    const rank = segments.length < 2 || lowest === highest ? undefined : i === lowest ? 'weakest' : i === highest ? 'strongest' : undefined;
    const parts = score.labels.map((l, k) => `${abbreviation(l)} ${s.scores[k]!.toFixed(2)}`).join(' ');
    const name = `#${s.index + 1} overall ${overalls[i]!.toFixed(2)} | ${parts}${rank ? ` | ${rank}` : ''}`;
    return { index: s.index, start: s.start, end: s.end, overall: overalls[i]!, ...(rank ? { rank } : {}), name };
  });
}
