#!/usr/bin/env node
// Measures the full-size HEAR head on onnxruntime-node's WebGPU provider against its CPU provider, on
// a machine with a GPU (run by scripts/gpu-bench.sh on the lent device; never in CI).
// Plain CommonJS with no dependencies but onnxruntime-node, because the GPU machine has no project
// install: the caller passes where onnxruntime-node lies.
//
//   node scripts/bench-webgpu.cjs --ort DIR --graph head.onnx [--frames 4500] [--runs 10]
//
// The graph's weights live in an external data file described by <graph>.layout.json (written by
// scripts/export_bench_head.py); the weights are random, so this script writes that
// file itself instead of carrying hundreds of megabytes to the GPU machine.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

function parseArgs(argv) {
  const args = { frames: 4500, runs: 10 };
  for (let i = 2; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  if (!args.ort || !args.graph) throw new Error('usage: bench-webgpu.cjs --ort DIR --graph head.onnx [--frames N] [--runs N]');
  return { ...args, frames: Number(args.frames), runs: Number(args.runs) };
}

/** Small deterministic generator (mulberry32) so CPU and GPU see the same weights and input. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeWeights(graph) {
  const layout = JSON.parse(fs.readFileSync(`${graph}.layout.json`, 'utf8'));
  const dataPath = path.join(path.dirname(graph), layout.location);
  const buf = Buffer.alloc(layout.bytes);
  const next = rng(1);
  for (const t of layout.tensors) {
    if (t.dtype !== 'float32') continue;
    const view = new Float32Array(buf.buffer, buf.byteOffset + t.offset, t.length / 4);
    // LayerNorm weights near 1, everything else small: keeps activations in range like a trained head.
    const base = t.name.endsWith('norm.weight') || /ln_ffd\.weight|norm1\.weight/.test(t.name) ? 1 : 0;
    for (let i = 0; i < view.length; i++) view[i] = base + (next() - 0.5) * 0.04;
  }
  fs.writeFileSync(dataPath, buf);
  return layout;
}

async function timeSession(ort, graph, options, feeds, runs) {
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(graph, options);
  const loadMs = performance.now() - t0;
  const first = performance.now();
  let out = await session.run(feeds);
  const firstMs = performance.now() - first;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = await session.run(feeds);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const scores = Array.from(out.scores.data);
  await session.release();
  return { loadMs, firstRunMs: firstMs, medianMs: times[times.length >> 1], minMs: times[0], scores };
}

async function main() {
  const args = parseArgs(process.argv);
  const ort = require(args.ort);
  const layout = writeWeights(args.graph);
  const next = rng(2);
  const T = args.frames;
  const features = new Float32Array(T * layout.inputDim);
  for (let i = 0; i < features.length; i++) features[i] = (next() - 0.5) * 2;
  const feeds = {
    features: new ort.Tensor('float32', features, [1, T, layout.inputDim]),
    lengths: new ort.Tensor('int64', BigInt64Array.from([BigInt(T)]), [1]),
  };
  const report = { frames: T, runs: args.runs, node: process.version, cpus: os.cpus().length, backends: ort.listSupportedBackends?.(), results: {} };
  const configs = {
    'cpu-1-thread': { executionProviders: ['cpu'], intraOpNumThreads: 1 },
    [`cpu-${os.cpus().length}-threads`]: { executionProviders: ['cpu'], intraOpNumThreads: os.cpus().length },
    // Refuse silent CPU fallback of single nodes so the numbers are the GPU's own.
    'webgpu-strict': { executionProviders: ['webgpu'], extra: { session: { disable_cpu_ep_fallback: '1' } } },
    webgpu: { executionProviders: ['webgpu'] },
  };
  for (const [name, options] of Object.entries(configs)) {
    try {
      report.results[name] = await timeSession(ort, args.graph, options, feeds, args.runs);
      console.log(name, JSON.stringify({ ...report.results[name], scores: report.results[name].scores.map((s) => s.toFixed(5)) }));
    } catch (err) {
      report.results[name] = { error: String(err && err.message ? err.message : err) };
      console.log(name, 'FAILED', report.results[name].error);
    }
  }
  const ref = report.results['cpu-1-thread'].scores;
  for (const r of Object.values(report.results)) {
    if (r.scores && ref) r.maxAbsDiffVsCpu = Math.max(...r.scores.map((s, i) => Math.abs(s - ref[i])));
  }
  console.log(JSON.stringify(report, null, 2));
  if (process.env.OUT) fs.writeFileSync(path.join(process.env.OUT, 'webgpu-bench.json'), JSON.stringify(report, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
