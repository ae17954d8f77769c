// The pipeline against the PyTorch reference (test/fixtures/golden, made by models/hear_tools):
// run in-process on ONNX Runtime (cpu), it must reproduce every score within 1e-4.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HashCache, loadBundle } from '../../src/core/bundle';
import { parseNpy, planFor, runPipeline, scaleWindows } from '../../src/core/pipeline';
import { SessionPool } from '../../src/core/runtime/sessions';
import { assertClose, fixtures } from './engine-helpers';


interface Golden {
  audio: string;
  samples: number;
  durationSeconds: number;
  windows: Record<string, [number, number][]>;
  streams: { source: string; scale: string; frames: number }[];
  features: { frames: number; dim: number };
  scores: number[];
  segments: { index: number; start: number; end: number; frameStart: number; frameEnd: number; scores: number[] }[];
}

/**
 * The fixtures' samples exactly as the reference read them (int16 / 32768), independently of the
 * audio module (which refuses songs under 0.5 s, like blip-0.2s; the engine tests cover decoding).
 */
function readPcm16(file: string): Float32Array {
  const bytes = readFileSync(file);
  let offset = 12;
  while (bytes.toString('latin1', offset, offset + 4) !== 'data') offset += 8 + bytes.readUInt32LE(offset + 4);
  const count = bytes.readUInt32LE(offset + 4) / 2;
  return Float32Array.from({ length: count }, (_, i) => bytes.readInt16LE(offset + 8 + 2 * i) / 32768);
}

const sessions = new SessionPool('cpu', 1);
after(() => sessions.dispose());

describe('pipeline goldens (tiny-hear)', async () => {
  const bundle = await loadBundle(join(fixtures, 'tiny-hear'), new HashCache());
  const plan = planFor(bundle);
  for (const song of ['song-75s', 'tail-30s', 'short-8s', 'blip-0.2s']) {
    it(`${song}: windows, frames, scores and segment scores match PyTorch within 1e-4`, async () => {
      const golden = JSON.parse(readFileSync(join(fixtures, 'golden', `${song}.json`), 'utf8')) as Golden;
      const samples = readPcm16(join(fixtures, golden.audio));
      assert.equal(samples.length, golden.samples);
      for (const scale of plan.scales) {
        assert.deepEqual(scaleWindows(samples.length, scale, plan.sampleRate).map((w) => [w.start, w.end]), golden.windows[scale.id], `${scale.id} windows`);
      }
      const result = await runPipeline(plan, { kind: 'waveform', samples }, sessions, golden.audio);
      assert.equal(result.frames, golden.features.frames);
      assert.equal(result.durationSeconds, golden.durationSeconds);
      assertClose(result.scores, golden.scores, 'scores');
      assert.deepEqual(
        result.segments.map((s) => [s.index, s.start, s.end]),
        golden.segments.map((s) => [s.index, s.start, s.end]),
      );
      result.segments.forEach((s, k) => assertClose(s.scores, golden.segments[k]!.scores, `segment ${s.index}`));
    });
  }
});

describe('pipeline goldens (tiny-head, .npy features)', async () => {
  const bundle = await loadBundle(join(fixtures, 'tiny-head'), new HashCache());
  const plan = planFor(bundle);
  const golden = JSON.parse(readFileSync(join(fixtures, 'golden', 'tiny-head.json'), 'utf8')) as { cases: { features: string; scores: number[] }[] };
  for (const c of golden.cases) {
    it(`${c.features} scores match PyTorch within 1e-4`, async () => {
      const features = parseNpy(readFileSync(join(fixtures, c.features)), c.features);
      const result = await runPipeline(plan, { kind: 'features', features }, sessions, c.features);
      assertClose(result.scores, c.scores, 'scores');
    });
  }
});

describe('pipeline refusals', async () => {
  const plan = planFor(await loadBundle(join(fixtures, 'tiny-hear'), new HashCache()));
  it('refuses a waveform with no window for a scale as TOO_SHORT, naming the file', async () => {
    await assert.rejects(runPipeline(plan, { kind: 'waveform', samples: new Float32Array(1024) }, sessions, 'tiny.wav'), /tiny.wav: too short to score: 1024 samples give no segment window for source bands/);
  });
  it('refuses features of the wrong width as BAD_FEATURES', async () => {
    const features = { data: new Float32Array(10 * 7), frames: 10, dim: 7 };
    await assert.rejects(runPipeline(plan, { kind: 'features', features }, sessions, 'f.npy'), (err: any) => err.code === 'BAD_FEATURES' && /f.npy: features have 7 values per frame, the head takes 48/.test(err.message));
  });
});
