// What the pipeline feeds its graphs, checked with a recording GraphRunner: a framed source's frames
// stage runs once per song and each call gets its window's rows; its whole-song stream runs first, yet the
// streams stand in the manifest's order; segments of equal length go to the head in one batch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PipelinePlan } from '../../src/core/pipeline';
import { runPipeline } from '../../src/core/pipeline';
import type { GraphRunner, TensorData } from '../../src/core/runtime/sessions';
import { rejectsWith } from './engine-helpers';

// 100 samples/s, 10 frames/s (hop 10), 3 s windows: 750 samples give windows [0, 300), [300, 600), [600, 750).
const plan: PipelinePlan = {
  sampleRate: 100,
  frameRate: 10,
  maxLengthMismatch: 4,
  minFrames: 3,
  labelCount: 1,
  sources: [{ id: 'src', path: 'src.onnx', dim: 1, frames: { path: 'src-frames.onnx', dim: 2 } }],
  scales: [
    { id: 'segment', kind: 'window', windowSeconds: 3, hopSeconds: 3, minTailSamples: 10 },
    { id: 'track', kind: 'track' },
  ],
  streams: [
    { source: 'src', scale: 'segment' },
    { source: 'src', scale: 'track' },
  ],
  head: { path: 'head.onnx', inputDim: 2 },
  segments: { windowSeconds: 3, hopSeconds: 3 },
};

type Call = { file: string; feeds: Record<string, TensorData> };

/**
 * Frames row r is [r, -r]; a call's feature per row is that row's first value, plus 1000 in a whole-song
 * call; the head gives 3 for the whole song, else 2.
 */
function recordingRunner(framesRows?: number): { runner: GraphRunner; calls: Call[] } {
  const calls: Call[] = [];
  const tensor = (values: number[], rows: number): TensorData<Float32Array> => ({ data: Float32Array.from(values), dims: [1, rows, values.length / rows] });
  const runner: GraphRunner = {
    async run(file, _role, feeds): Promise<Record<string, TensorData<Float32Array>>> {
      calls.push({ file, feeds });
      if (file === 'src-frames.onnx') {
        const rows = framesRows ?? Math.floor(feeds.waveform!.dims[1]! / 10);
        return { frames: tensor(Array.from({ length: rows }, (_, r) => [r, -r]).flat(), rows) };
      }
      if (file === 'src.onnx') {
        const frames = feeds.frames!.data as Float32Array;
        const rows = feeds.frames!.dims[1]!;
        const offset = feeds.waveform!.dims[1] === 750 ? 1000 : 0;
        return { features: tensor(Array.from({ length: rows }, (_, r) => frames[2 * r]! + offset), rows) };
      }
      return { scores: tensor(Array.from(feeds.lengths!.data as BigInt64Array, (n) => (n === 75n ? 3 : 2)), feeds.lengths!.dims[0]!) };
    },
  };
  return { runner, calls };
}

describe('pipeline feeds', () => {
  const samples = Float32Array.from({ length: 750 }, (_, i) => i);

  it('run the frames stage once over the song, then the whole-song stream, and feed each window its rows', async () => {
    const { runner, calls } = recordingRunner();
    const result = await runPipeline(plan, { kind: 'waveform', samples }, runner, 'song.wav');
    const framesRuns = calls.filter((c) => c.file === 'src-frames.onnx');
    assert.equal(framesRuns.length, 1, 'one frames run for two scales');
    assert.deepEqual(framesRuns[0]!.feeds.waveform!.dims, [1, 750]);
    const sourceRuns = calls.filter((c) => c.file === 'src.onnx');
    assert.deepEqual(calls.slice(0, 2).map((c) => [c.file, c.feeds.waveform!.dims[1]]), [['src-frames.onnx', 750], ['src.onnx', 750]], 'frames, then the whole song');
    assert.deepEqual(sourceRuns.map((c) => [c.feeds.waveform!.dims[1], ...c.feeds.frames!.dims]), [
      [750, 1, 75, 2],
      [300, 1, 30, 2],
      [300, 1, 30, 2],
      [150, 1, 15, 2],
    ]);
    assert.deepEqual(Array.from((sourceRuns[2]!.feeds.frames!.data as Float32Array).slice(0, 4)), [30, -30, 31, -31], 'the second window starts at row 30');
    assert.deepEqual(sourceRuns.map((c) => (c.feeds.waveform!.data as Float32Array)[0]), [0, 0, 300, 600], 'each call gets its own samples');
    const matrix = calls.find((c) => c.file === 'head.onnx')!.feeds.features!.data as Float32Array;
    assert.deepEqual(Array.from(matrix.subarray(60, 64)), [30, 1030, 31, 1031], 'the segment stream, then the track stream, as in the manifest');
    assert.equal(result.frames, 75);
    assert.deepEqual(result.scores, [3]);
    assert.deepEqual(result.segments.map((s) => [s.start, s.end, s.scores[0]]), [[0, 3, 2], [3, 6, 2], [6, 7.5, 2]]);
  });

  it('score equal-length segments in one head run: a view of adjacent rows, a copy of overlapping ones', async () => {
    const { runner, calls } = recordingRunner();
    await runPipeline(plan, { kind: 'waveform', samples }, runner, 'song.wav');
    const headRuns = calls.filter((c) => c.file === 'head.onnx');
    assert.deepEqual(headRuns.map((c) => c.feeds.features!.dims), [[1, 75, 2], [2, 30, 2], [1, 15, 2]], 'the song, then segments 0-1 together and the tail');
    const matrix = headRuns[0]!.feeds.features!.data as Float32Array;
    assert.equal((headRuns[1]!.feeds.features!.data as Float32Array).buffer, matrix.buffer, 'adjacent segments are a view');

    const overlapping: PipelinePlan = { ...plan, segments: { windowSeconds: 3, hopSeconds: 1.5 } };
    const second = recordingRunner();
    const result = await runPipeline(overlapping, { kind: 'waveform', samples }, second.runner, 'song.wav');
    const runs = second.calls.filter((c) => c.file === 'head.onnx');
    assert.deepEqual(runs.map((c) => c.feeds.features!.dims), [[1, 75, 2], [4, 30, 2], [1, 15, 2]]);
    const batch = runs[1]!.feeds.features!.data as Float32Array;
    const whole = runs[0]!.feeds.features!.data as Float32Array;
    [0, 15, 30, 45].forEach((first, k) => assert.deepEqual(batch.subarray(k * 60, (k + 1) * 60), whole.subarray(first * 2, (first + 30) * 2), `segment ${k} rows`));
    assert.deepEqual(result.segments.map((s) => [s.index, s.start, s.end]), [[0, 0, 3], [1, 1.5, 4.5], [2, 3, 6], [3, 4.5, 7.5], [4, 6, 7.5]]);
  });

  it('refuse a frames stage of the wrong shape as BAD_BUNDLE naming its file', async () => {
    const { runner } = recordingRunner(74);
    await rejectsWith(runPipeline(plan, { kind: 'waveform', samples }, runner, 'song.wav'), 'BAD_BUNDLE', /^src-frames\.onnx: the frames stage of source 'src' returned shape \[1, 74, 2\], expected \[1, 75, 2\]/);
  });
});
