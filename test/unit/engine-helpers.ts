// Builds hand-made bundle folders for manifest and verification tests. The files are plain bytes:
// these tests check the manifest and the hashes, never run the graphs (the fixture bundles do that).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempDir(prefix = 'hear-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
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
