// Segment scores as REAPER regions: the CSV that REAPER's Region/Marker
// Manager exports and imports, `#,Name,Start,End,Length,Color` with ids R1,
// R2, ... Times are written as minutes:seconds.milliseconds (the
// Minutes:Seconds ruler format), which the colon keeps from being read as
// measures.beats. The weakest segment is red and the strongest green.
import { stringify } from 'csv-stringify/sync';
import { HearError } from '../errors';
import type { SongScore } from '../types';
import { segmentMarkers } from './segments';

const COLORS = { weakest: 'D03030', strongest: '30A030' } as const;

/** 75.5 -> "1:15.500" */
export function reaperTime(seconds: number): string {
  const millis = Math.round(seconds * 1000);
  const minutes = Math.floor(millis / 60000);
  const rest = (millis - minutes * 60000) / 1000;
  return `${minutes}:${rest.toFixed(3).padStart(6, '0')}`;
}

export function reaperRegions(score: Pick<SongScore, 'file' | 'labels' | 'segments'>): string {
  if (score.segments.length === 0) throw new HearError('BAD_LABELS', 'has no segment scores to export (score it with --segments)', score.file);
  const rows = segmentMarkers(score).map((m, i) => [
    `R${i + 1}`,
    m.name,
    reaperTime(m.start),
    reaperTime(m.end),
    reaperTime(m.end - m.start),
    m.rank ? COLORS[m.rank] : '',
  ]);
  return stringify([['#', 'Name', 'Start', 'End', 'Length', 'Color'], ...rows]);
}
