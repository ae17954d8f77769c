// Bundles the CLI, the extension, the workers, the panels' webview scripts and the
// extension's host test suites. onnxruntime-node stays external: its .node
// binaries cannot be bundled.
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  // tsx is only resolved when running from sources (workers under tsx).
  external: ['onnxruntime-node', 'vscode', 'tsx/cjs'],
  logLevel: 'warning',
};

// The extension loads the engine (and onnxruntime, the audio decoders) on first use:
// its dynamic import('./core-api') stays a require of the separate dist/core-api.js.
const lazyCoreApi = {
  name: 'lazy-core-api',
  setup(build) {
    build.onResolve({ filter: /^\.\/core-api(\.js)?$/ }, () => ({ path: './core-api.js', external: true }));
  },
};

const hostSuites = readdirSync('test/host/suite')
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => `test/host/suite/${f}`);

const builds = [
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: { 'audio-worker': 'src/core/audio/audio-worker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'inference-worker': 'src/core/runtime/inference-worker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'compare-worker': 'src/core/compare/compare-worker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', plugins: [lazyCoreApi] },
  { ...node, entryPoints: { 'core-api': 'src/extension/core-api.ts' }, outdir: 'dist' },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    entryPoints: {
      report: 'src/webview/report.ts',
      comparison: 'src/webview/comparison.ts',
      model: 'src/webview/model.ts',
      evaluation: 'src/webview/evaluation.ts',
    },
    outdir: 'dist/webview',
    logLevel: 'warning',
  },
  // Host tests: the runner (mocha from node_modules) and each suite, run inside the extension host.
  { ...node, entryPoints: { index: 'test/host/index.ts' }, outdir: 'out/test/host', external: ['vscode', 'mocha'] },
  { ...node, entryPoints: hostSuites, outdir: 'out/test/host/suite', external: ['vscode', 'mocha', 'onnxruntime-node'] },
];

mkdirSync('dist', { recursive: true });
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
