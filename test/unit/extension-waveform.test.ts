// The report's waveform: peak per slice, checked against numpy on a fixture song.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import { disposeAudioWorkers, loadAudio } from '../../src/core/audio';
import { peakEnvelope } from '../../src/extension/waveform';

after(() => disposeAudioWorkers());

const song = path.join(__dirname, '..', 'fixtures', 'audio', 'song-75s.wav');

test('slice peaks match numpy on the decoded fixture song', async (t) => {
  const numpy = spawnSync('/usr/bin/python3', ['-c', `
import sys, json, numpy as np
from scipy.io import wavfile
rate, x = wavfile.read(sys.argv[1])
x = np.abs(x.astype(np.float64) / 32768.0)
n = 600
edges = [(b * len(x)) // n for b in range(n + 1)]
print(json.dumps([float(x[edges[b]:edges[b + 1]].max()) for b in range(n)]))
`, song], { encoding: 'utf8' });
  if (numpy.status !== 0) {
    t.skip(`needs /usr/bin/python3 with numpy and scipy: ${numpy.stderr}`);
    return;
  }
  const expected = JSON.parse(numpy.stdout) as number[];
  const { samples } = await loadAudio(song, { sampleRate: 24000 });
  const peaks = peakEnvelope(samples, 600);
  assert.equal(peaks.length, 600);
  for (let i = 0; i < 600; i++) assert.ok(Math.abs(peaks[i] - expected[i]) < 1e-6, `slice ${i}: ${peaks[i]} vs ${expected[i]}`);
});

test('fewer samples than slices gives one slice per sample; silence gives zeros', () => {
  assert.deepEqual(peakEnvelope(new Float32Array([0.5, -0.75]), 600), [0.5, 0.75]);
  assert.deepEqual(peakEnvelope(new Float32Array(1000), 4), [0, 0, 0, 0]);
  assert.deepEqual(peakEnvelope(new Float32Array(0), 4), []);
});
