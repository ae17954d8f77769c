'use strict';
// Runs one ONNX graph with onnxruntime-node on .npy inputs and writes .npy outputs.
// Python's onnxruntime is not packaged for Debian 12, and the product runs ONNX
// Runtime from Node anyway, so the Python tooling checks its exports through this.
//
// usage: node ort_run.cjs JOB.json
// JOB: {"model": "x.onnx", "threads": 1, "warmup": 0, "repeat": 1,
//       "runs": [{"inputs": {"name": "in.npy"}, "outputs": {"name": "out.npy"}}]}
// stdout: {"loadMs": n, "runs": [{"ms": [..]}], "maxRssMB": n}
const fs = require('node:fs');
const ort = require('onnxruntime-node');

const DTYPES = { '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array], '<i8': ['int64', BigInt64Array] };

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order is not supported`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  if (!DTYPES[descr]) throw new Error(`${file}: dtype ${descr} is not supported`);
  const [type, Ctor] = DTYPES[descr];
  const data = new Ctor(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
  return new ort.Tensor(type, data, shape);
}

function writeNpy(file, tensor) {
  const descr = { float32: '<f4', float64: '<f8', int64: '<i8' }[tensor.type];
  if (!descr) throw new Error(`output type ${tensor.type} is not supported`);
  const dims = tensor.dims.length === 1 ? `${tensor.dims[0]},` : tensor.dims.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

// Peak resident memory of this process. On Linux VmHWM, because getrusage's
// maxRSS survives fork + exec and would report the parent's peak.
function peakRssKB() {
  try {
    const match = /VmHWM:\s*(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const threads = job.threads ?? 1;
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(job.model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  const loadMs = performance.now() - t0;
  const runs = [];
  for (const run of job.runs) {
    const feeds = {};
    for (const [name, file] of Object.entries(run.inputs)) feeds[name] = readNpy(file);
    for (let i = 0; i < (job.warmup ?? 0); i++) await session.run(feeds);
    const ms = [];
    let result;
    for (let i = 0; i < (job.repeat ?? 1); i++) {
      const t = performance.now();
      result = await session.run(feeds);
      ms.push(performance.now() - t);
    }
    for (const [name, file] of Object.entries(run.outputs ?? {})) writeNpy(file, result[name]);
    runs.push({ ms });
  }
  await session.release();
  const maxRssMB = peakRssKB() / 1024;
  process.stdout.write(JSON.stringify({ loadMs, runs, maxRssMB }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
