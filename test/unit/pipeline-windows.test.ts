import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManifestScale } from '../../src/core/bundle';
import { parseNpy, scaleWindows, segmentFrames, segmentGrid } from '../../src/core/pipeline';

const segment: ManifestScale = { id: 'segment', kind: 'window', windowSeconds: 30, hopSeconds: 30, minTailSamples: 1025 };
const rate = 24000;

describe('scale windows', () => {
  it('cuts 30 s windows with a 30 s hop and drops a tail shorter than minTailSamples', () => {
    const n = 70 * rate + 1024; // 2 full windows, a 10 s window, then 1024 samples more belong to it
    assert.deepEqual(scaleWindows(n, segment, rate), [
      { start: 0, end: 720000 },
      { start: 720000, end: 1440000 },
      { start: 1440000, end: n },
    ]);
    // A trailing window of exactly 1024 samples is dropped, one of 1025 kept.
    assert.deepEqual(scaleWindows(2 * 720000 + 1024, segment, rate).length, 2);
    assert.deepEqual(scaleWindows(2 * 720000 + 1025, segment, rate).at(-1), { start: 1440000, end: 1441025 });
  });

  it('overlaps windows when the hop is shorter, and gives the whole song to a track scale', () => {
    const overlap: ManifestScale = { id: 'o', kind: 'window', windowSeconds: 2, hopSeconds: 1, minTailSamples: 1 };
    assert.deepEqual(scaleWindows(5, overlap, 2), [
      { start: 0, end: 4 },
      { start: 2, end: 5 },
      { start: 4, end: 5 },
    ]);
    assert.deepEqual(scaleWindows(123, { id: 't', kind: 'track' }, rate), [{ start: 0, end: 123 }]);
    assert.deepEqual(scaleWindows(0, { id: 't', kind: 'track' }, rate), []);
    assert.deepEqual(scaleWindows(1024, segment, rate), []);
  });
});

describe('segment timeline', () => {
  it('uses the first window scale, else 30 s', () => {
    assert.deepEqual(segmentGrid([{ id: 't', kind: 'track' }, { ...segment, windowSeconds: 10, hopSeconds: 5 }]), { windowSeconds: 10, hopSeconds: 5 });
    assert.deepEqual(segmentGrid([{ id: 't', kind: 'track' }]), { windowSeconds: 30, hopSeconds: 30 });
  });

  it('maps seconds to frames of the trimmed matrix and skips segments under minFrames', () => {
    // 70.1 s song, 25 fps, matrix trimmed to 1750 frames (70 s): the last segment [60, 70.1]
    // gets frames [1500, 1750); a 0.1 s tail segment would have 2 frames and is skipped.
    const spans = segmentFrames(70.1, 1750, 25, { windowSeconds: 30, hopSeconds: 30 }, 3);
    assert.deepEqual(spans, [
      { index: 0, start: 0, end: 30, frames: { start: 0, end: 750 } },
      { index: 1, start: 30, end: 60, frames: { start: 750, end: 1500 } },
      { index: 2, start: 60, end: 70.1, frames: { start: 1500, end: 1750 } },
    ]);
    const tail = segmentFrames(60.1, 1502, 25, { windowSeconds: 30, hopSeconds: 30 }, 3);
    assert.deepEqual(tail.map((s) => s.index), [0, 1]);
  });
});

function npy(descr: string, shape: number[], values: number[], version = 1, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const prefix = version === 1 ? 10 : 12;
  header = header.padEnd(Math.ceil((prefix + header.length + 1) / 64) * 64 - prefix - 1, ' ') + '\n';
  const size = descr === '<f8' ? 8 : 4;
  const out = new Uint8Array(prefix + header.length + values.length * size);
  const view = new DataView(out.buffer);
  out.set([0x93, ...Buffer.from('NUMPY'), version, 0]);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), prefix);
  values.forEach((v, i) => (size === 8 ? view.setFloat64(prefix + header.length + 8 * i, v, true) : view.setFloat32(prefix + header.length + 4 * i, v, true)));
  return out;
}

describe('.npy feature files', () => {
  it('reads float32 and float64, [T, D] and [1, T, D], versions 1 and 2', () => {
    const values = [0.5, -1, 2, 3.25, 4, 5];
    for (const [descr, shape, version] of [['<f4', [3, 2], 1], ['<f8', [1, 3, 2], 1], ['<f4', [1, 3, 2], 2]] as const) {
      const m = parseNpy(npy(descr, [...shape], values, version), 'x.npy');
      assert.equal(m.frames, 3);
      assert.equal(m.dim, 2);
      assert.deepEqual(Array.from(m.data), values);
    }
  });

  it('refuses anything else with BAD_FEATURES naming the file', () => {
    const cases: [Uint8Array, RegExp][] = [
      [Buffer.from('not numpy at all'), /missing the \\x93NUMPY magic/],
      [npy('<i4', [2, 2], [1, 2, 3, 4]), /dtype '<i4' is not float32 or float64/],
      [npy('>f4', [2, 2], [1, 2, 3, 4]), /dtype '>f4'/],
      [npy('<f4', [2, 2], [1, 2, 3, 4], 1, true), /Fortran-ordered/],
      [npy('<f4', [2, 3, 2], new Array(12).fill(0)), /holds 2 songs/],
      [npy('<f4', [4], [1, 2, 3, 4]), /shape \(4\) is not \[frames, dim\]/],
      [npy('<f4', [3, 2], [1, 2, 3, 4, 5, 6]).subarray(0, 128 + 20), /truncated data: 20 bytes for 6 values/],
      [npy('<f4', [2, 2], [1, NaN, 3, 4]), /value 1 \(frame 0\) is NaN/],
      [npy('<f4', [2, 2], [1, 2, 3, 4]).subarray(0, 40), /truncated header/],
    ];
    for (const [bytes, pattern] of cases) {
      assert.throws(() => parseNpy(bytes, '/songs/a.npy'), (err: any) => err.code === 'BAD_FEATURES' && err.message.startsWith('/songs/a.npy: ') && pattern.test(err.message));
    }
  });
});
