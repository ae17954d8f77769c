// Shared by the engine's tests: temp folders, hand-made bundles (plain bytes: manifest and hash
// tests never run their graphs; the fixture bundles do), golden comparisons, HearError checks.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { HearError } from '../../src/core/errors';
import { wavFile } from './audio-helpers';

export const fixtures = join(__dirname, '..', 'fixtures');

/** Scores equal the PyTorch goldens within this. */
export const GOLDEN_TOLERANCE = 1e-4;

export function assertClose(actual: number[], expected: number[], what = 'scores'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= GOLDEN_TOLERANCE, `${what}[${i}]: ${v} vs golden ${expected[i]}`));
}

/** `promise` rejects with a HearError of `code` whose message matches `pattern`. */
export async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof HearError, `expected a HearError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

const made: string[] = [];
process.on('exit', () => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh folder, removed when the test process ends. */
export function tempDir(prefix = 'hear-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A valid track-2 audio manifest for files `src.onnx` (dim 4) and `head.onnx`, given their bytes. */
export function audioManifest(files: Record<string, string>): Record<string, unknown> {
  return {
    format: 'hear-bundle/1',
    id: 'hand-made',
    name: 'Hand-made test bundle',
    version: '1.2.3',
    task: { track: 2 },
    labels: [
      { name: 'Coherence', threshold: 4 },
      { name: 'Musicality', threshold: 4 },
      { name: 'Memorability', threshold: 3.75 },
      { name: 'Clarity', threshold: 3.75 },
      { name: 'Naturalness', threshold: 4 },
    ],
    scoreRange: [1, 5],
    proxy: true,
    proxyNote: 'hand-made targets',
    sampleRate: 24000,
    frameRate: 25,
    input: 'audio',
    sources: [{ id: 'src', file: 'src.onnx', dim: 4 }],
    scales: [
      { id: 'segment', kind: 'window', windowSeconds: 30, hopSeconds: 30, minTailSamples: 1025 },
      { id: 'track', kind: 'track' },
    ],
    streams: [
      { source: 'src', scale: 'segment' },
      { source: 'src', scale: 'track' },
    ],
    maxLengthMismatch: 4,
    head: { file: 'head.onnx', inputDim: 8 },
    files: Object.entries(files).map(([path, text]) => ({
      path,
      sha256: sha256(text),
      bytes: Buffer.byteLength(text),
      license: 'Apache-2.0',
      provenance: 'written by the test',
    })),
  };
}

/** Write `files` and manifest.json (from `edit(audioManifest(files))`) into a new folder. */
export function writeBundle(edit: (m: Record<string, unknown>) => void = () => undefined, files: Record<string, string> = { 'src.onnx': 'source bytes', 'head.onnx': 'head bytes' }): string {
  const dir = tempDir('hear-bundle-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const manifest = audioManifest(files);
  edit(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** A WAV of `seconds` of a 440 Hz tone on every channel: 16-bit PCM, or 32-bit float (format 3). */
export function toneWav(file: string, rate: number, channels: number, seconds: number, float = false): void {
  const frames = Math.round(rate * seconds);
  const bytes = float ? 4 : 2;
  const data = Buffer.alloc(frames * channels * bytes);
  for (let i = 0; i < frames; i++) {
    const v = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate);
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * bytes;
      if (float) data.writeFloatLE(v, at);
      else data.writeInt16LE(Math.round(v * 32767), at);
    }
  }
  writeFileSync(file, wavFile({ formatTag: float ? 3 : 1, channels, sampleRate: rate, bitsPerSample: 8 * bytes }, data));
}
