// Checks a parsed manifest.json: first against models/bundle.schema.json (imported, so esbuild
// inlines it), then the rules JSON Schema cannot express. Mirrors models/hear_tools/bundle.py.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import schema from '../../../models/bundle.schema.json';
import { HearError } from '../errors';
import { DIMENSIONS } from '../types';
import type { Manifest } from './manifest';

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  // Compiled on first use: ajv compilation costs ~20 ms, which activation should not pay.
  compiled ??= new Ajv2020({ allErrors: true, logger: false }).compile(schema);
  return compiled;
}

/**
 * Validate `value` (manifest.json parsed) for the bundle in `dir`; returns it typed or throws
 * HearError('BAD_BUNDLE') naming `dir` and every problem found.
 */
export function validateManifest(value: unknown, dir: string): Manifest {
  const validate = schemaValidator();
  if (!validate(value)) {
    const problems = (validate.errors ?? []).slice(0, 5).map((e) => {
      const where = `manifest${e.instancePath.replace(/\//g, '.')}`;
      const extra = e.keyword === 'additionalProperties' ? ` ('${String(e.params.additionalProperty)}')` : '';
      return `${where} ${e.message ?? 'is invalid'}${extra}`;
    });
    throw new HearError('BAD_BUNDLE', `manifest.json does not match the bundle schema: ${problems.join('; ')}`, dir);
  }
  const manifest = value as unknown as Manifest;
  const problems = semanticProblems(manifest);
  if (problems.length > 0) throw new HearError('BAD_BUNDLE', `manifest.json is inconsistent: ${problems.join('; ')}`, dir);
  return manifest;
}

/** The rules the schema cannot express; each problem as one readable phrase. */
export function semanticProblems(m: Manifest): string[] {
  const problems: string[] = [];
  const duplicates = (values: string[]): string[] => [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];

  const labels = m.labels.map((l) => l.name);
  const dups = duplicates(labels);
  for (const d of dups) problems.push(`label '${d}' appears twice`);
  const expected: readonly string[] = m.task.track === 1 ? ['Musicality'] : DIMENSIONS;
  if (dups.length === 0 && labels.join() !== expected.join()) {
    problems.push(`track ${m.task.track} needs the labels [${expected.join(', ')}] in this order, got [${labels.join(', ')}]`);
  }
  const [lo, hi] = m.scoreRange;
  if (!(lo < hi)) problems.push(`scoreRange [${lo}, ${hi}] is empty`);
  for (const l of m.labels) {
    if (l.threshold < lo || l.threshold > hi) problems.push(`threshold ${l.threshold} of ${l.name} is outside scoreRange [${lo}, ${hi}]`);
  }

  const sourceIds = m.sources.map((s) => s.id);
  const scaleIds = m.scales.map((s) => s.id);
  for (const d of duplicates(sourceIds)) problems.push(`source '${d}' is declared twice`);
  for (const d of duplicates(scaleIds)) problems.push(`scale '${d}' is declared twice`);
  for (const d of duplicates(m.streams.map((s) => `${s.source}@${s.scale}`))) problems.push(`stream ${d} appears twice`);
  for (const s of m.streams) {
    if (!sourceIds.includes(s.source)) problems.push(`stream ${s.source}@${s.scale} names undeclared source '${s.source}'`);
    if (!scaleIds.includes(s.scale)) problems.push(`stream ${s.source}@${s.scale} names undeclared scale '${s.scale}'`);
  }
  for (const s of m.scales) {
    if (s.kind !== 'window') continue;
    for (const [field, seconds] of [['windowSeconds', s.windowSeconds], ['hopSeconds', s.hopSeconds]] as const) {
      const samples = seconds * m.sampleRate;
      if (Math.abs(samples - Math.round(samples)) > 1e-6) problems.push(`scale '${s.id}': ${field} ${seconds} is not a whole number of samples at ${m.sampleRate} Hz`);
    }
  }

  if (m.sources.some((s) => s.frames)) problems.push(...frameGridProblems(m));

  if (m.input === 'audio') {
    if (m.streams.length === 0) problems.push('an audio bundle needs at least one stream');
    const dims = m.streams.reduce((sum, s) => sum + (m.sources.find((src) => src.id === s.source)?.dim ?? 0), 0);
    if (m.streams.length > 0 && dims !== m.head.inputDim) {
      problems.push(`streams give ${dims} features per frame but head.inputDim is ${m.head.inputDim}`);
    }
  } else if (m.sources.length > 0 || m.scales.length > 0 || m.streams.length > 0) {
    problems.push('a head-only bundle (input "features") has empty sources, scales and streams');
  }

  const listed = m.files.map((f) => f.path);
  for (const d of duplicates(listed)) problems.push(`file '${d}' is listed twice`);
  if (listed.includes('manifest.json')) problems.push('files must not list manifest.json itself');
  const referenced = [...m.sources.flatMap((s) => (s.frames ? [s.file, s.frames.file] : [s.file])), m.head.file];
  for (const path of referenced) {
    if (!listed.includes(path)) problems.push(`'${path}' is used but not listed in files`);
  }
  return problems;
}

/** A framed source's calls take rows of the song's frames, so each window must start on a whole frame. */
function frameGridProblems(m: Manifest): string[] {
  const hop = m.sampleRate / m.frameRate;
  if (Math.abs(hop - Math.round(hop)) > 1e-6) return [`framed sources need a whole number of samples per frame, got ${hop}`];
  return m.scales.flatMap((s) =>
    s.kind === 'window' && Math.round(s.hopSeconds * m.sampleRate) % Math.round(hop) !== 0
      ? [`scale '${s.id}': hopSeconds ${s.hopSeconds} is not a whole number of frames (${Math.round(hop)} samples each), which framed sources need`]
      : [],
  );
}
