// Segment scores as an Audacity label track (File > Import > Labels): one
// line per segment, `start<TAB>end<TAB>text`, times in seconds with six
// decimals as Audacity itself writes them.
import { HearError } from '../errors';
import type { SongScore } from '../types';
import { segmentMarkers } from './segments';

export function audacityLabels(score: Pick<SongScore, 'file' | 'labels' | 'segments'>): string {
  if (score.segments.length === 0) throw new HearError('BAD_LABELS', 'has no segment scores to export (score it with --segments)', score.file);
  return segmentMarkers(score)
    .map((m) => `${m.start.toFixed(6)}\t${m.end.toFixed(6)}\t${m.name}\n`)
    .join('');
}
