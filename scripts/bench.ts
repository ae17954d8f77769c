// `npm run bench`: every benchmark figure of the engine, measured in this run on this machine.
//   - audio (scripts/bench-audio.ts): decode + resample vs ffmpeg, resampler speed and alias rejection;
//   - head (models: hear_tools bench-head): ONNX Runtime vs PyTorch on a full-size head;
//   - pipeline (here): every stage for one 3-minute song; --jobs 2 vs --jobs 1 throughput (given two cores or
//     more); peak RSS of a 10-minute song in a fresh process.
// Ratios compare against references measured in the same run. The model is the default bundle when
// installed, else the test fixture (test/fixtures/tiny-hear).
//
//   node --import tsx scripts/bench.ts [--json] [--only audio|head|pipeline|rss] [--model ID|PATH] [--songs N]
//     [--ep cpu|webgpu|cuda|...] [--song FILE]
//   (--only rss: just the peak RSS figure; --ep: the pipeline's execution provider, cpu by default, for the
//   GPU machine's check in scripts/bench-engine-device.sh; --song: the peak RSS figure's long song is FILE,
//   e.g. a 10-minute MP3 or FLAC made from the bench's WAV, instead of that WAV)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_ID, Engine, parseProviderChoice, scoreFiles, type SongScore } from '../src/core';
import { packageRoot, resolveBundleDir, searchRoots } from '../src/core/bundle';

const ROOT = packageRoot();
const RSS_BUDGET_MB = 400;
const JOBS_TARGET = 1.7;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A deterministic music-like 44.1 kHz stereo 16-bit WAV: chords, a bass line, clicks and a little noise. */
function writeSong(file: string, seconds: number): void {
  const rate = 44100;
  const frames = Math.round(seconds * rate);
  const data = Buffer.alloc(frames * 4);
  const chords = [[261.63, 329.63, 392], [220, 261.63, 329.63], [174.61, 220, 261.63], [196, 246.94, 293.66]];
  let seed = 12345;
  for (let i = 0; i < frames; i++) {
    const t = i / rate;
    const chord = chords[Math.floor(t / 2) % 4]!;
    const beat = t % 0.5;
    let x = 0;
    for (const f of chord) x += 0.12 * Math.sin(2 * Math.PI * f * t);
    const bass = 0.2 * Math.sin(2 * Math.PI * (chord[0]! / 2) * t) * Math.exp(-4 * beat);
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const click = (seed / 2147483648 - 0.5) * 0.4 * Math.exp(-60 * beat);
    const left = x + bass + click;
    const right = x + 0.8 * bass + click;
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, left)) * 32767), 4 * i);
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, right)) * 32767), 4 * i + 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([header, data]));
}

async function modelRef(): Promise<string> {
  const asked = arg('--model');
  if (asked) return asked;
  return resolveBundleDir(DEFAULT_MODEL_ID, searchRoots()).catch(() => join(ROOT, 'test', 'fixtures', 'tiny-hear'));
}

const PROVIDER = parseProviderChoice(arg('--ep') ?? 'cpu');

function engine(model: string): Engine {
  return new Engine({ model, provider: PROVIDER, threads: 1, storeDir: tmpdir(), persist: false });
}

interface Stages {
  decodeMs: number;
  sourcesMs: number;
  headMs: number;
  segmentsMs: number;
  totalMs: number;
}

/** Stage timings of one 3-minute song, median of 3 warm runs (sessions created by a first run). */
async function stages(model: string, song: string): Promise<{ runs: Stages[]; median: Stages; seconds: number }> {
  const e = engine(model);
  try {
    await e.score(song, { force: true });
    const runs: Stages[] = [];
    for (let i = 0; i < 3; i++) runs.push((await e.score(song, { force: true })).timings);
    const median = Object.fromEntries(
      (['decodeMs', 'sourcesMs', 'headMs', 'segmentsMs', 'totalMs'] as const).map((k) => [k, runs.map((r) => r[k]).sort((a, b) => a - b)[1]!]),
    ) as unknown as Stages;
    return { runs, median, seconds: 180 };
  } finally {
    await e.dispose();
  }
}

/** Songs per second with `jobs` files in parallel, after every worker has loaded its sessions. */
async function throughput(model: string, songs: string[], jobs: number): Promise<number> {
  const e = engine(model);
  try {
    await scoreFiles(e, songs.slice(0, jobs), { jobs, force: true });
    const t0 = performance.now();
    const { failures } = await scoreFiles(e, songs, { jobs, force: true });
    if (failures.length) throw new Error(failures.map((f) => f.error).join('\n'));
    return songs.length / ((performance.now() - t0) / 1000);
  } finally {
    await e.dispose();
  }
}

/**
 * Peak resident memory of this process in MB. On Linux VmHWM: getrusage's maxRSS survives fork +
 * exec, so a child spawned by this bench would report at least the parent's size at the spawn
 * (measured: 402 MB instead of 295 MB after the --jobs runs).
 */
function peakRssMB(): number {
  try {
    const match = /VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Child mode: score one song in this fresh process and print its peak RSS (main thread and workers). */
async function rssChild(model: string, song: string): Promise<void> {
  const e = engine(model);
  const score: SongScore = await e.score(song);
  await e.dispose();
  process.stdout.write(JSON.stringify({ maxRssMB: peakRssMB(), timings: score.timings }));
}

function peakRss(model: string, song: string): { maxRssMB: number; timings: Stages } {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--rss-child', model, song, '--ep', PROVIDER], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`peak RSS child failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { maxRssMB: number; timings: Stages };
}

/** Run a sibling benchmark that prints JSON, when it exists. */
function sibling(name: string, command: string, args: string[], cwd: string, present: string): unknown {
  if (!existsSync(present)) return { skipped: `${present} not found` };
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error || r.status !== 0) return { failed: `${name}: ${r.error?.message ?? r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { failed: `${name}: output is not JSON` };
  }
}

/** One line per figure of scripts/bench-audio.ts --json; its raw JSON when the shape is unknown. */
function audioSummary(audio: any): string {
  const d = audio?.decodeResample;
  const r = audio?.resampler;
  if (!d || !r) return `audio: ${JSON.stringify(audio)}`;
  const rates = Object.entries(r)
    .filter(([k]) => k.includes('->'))
    .map(([k, v]: [string, any]) => `  resample ${k}: ${v.xRealtime.toFixed(0)}x realtime on one core, alias rejection ${v.aliasRejectionDb.toFixed(1)} dB`);
  return [`audio: decode + resample, ${d.input}: ${d.oursWarmSeconds.toFixed(3)} s vs ffmpeg ${d.ffmpegSeconds.toFixed(3)} s = ${d.ratioWarm.toFixed(2)}x (cold ${d.ratioCold.toFixed(2)}x; ${d.target})`, ...rates].join('\n');
}

/** One line per runtime of hear_tools bench-head --json; its raw JSON when the shape is unknown. */
function headSummary(head: any): string {
  if (!Array.isArray(head?.results)) return `head: ${JSON.stringify(head)}`;
  const lines = head.results.map(
    (r: any) => `  ${r.runtime} ${r.precision}: median ${r.medianMs.toFixed(0)} ms, peak RSS ${r.peakRssMB.toFixed(0)} MB, max score deviation ${r.maxScoreDeviation.toExponential(1)}`,
  );
  return [`head: full-size HEAR head (${(head.parameters / 1e6).toFixed(1)}M parameters), T = ${head.frames} frames, ${head.threads} thread:`, ...lines].join('\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--rss-child')) return rssChild(arg('--rss-child')!, process.argv[process.argv.indexOf('--rss-child') + 2]!);
  const json = process.argv.includes('--json');
  const only = arg('--only');
  const model = await modelRef();
  const dir = mkdtempSync(join(tmpdir(), 'hear-bench-'));
  const say = (line: string): void => void (json || process.stdout.write(`${line}\n`));
  try {
    const report: Record<string, unknown> = {
      machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), node: process.version, platform: `${process.platform}-${process.arch}` },
      model,
    };
    say(`machine: ${availableParallelism()} cores (${cpus()[0]?.model}), Node ${process.version}; model ${model}`);
    if (!only || only === 'audio') {
      report.audio = sibling('bench-audio', process.execPath, ['--import', 'tsx', 'scripts/bench-audio.ts', '--json'], ROOT, join(ROOT, 'scripts', 'bench-audio.ts'));
      say(audioSummary(report.audio));
    }
    if (!only || only === 'head') {
      report.head = sibling('bench-head', '/usr/bin/python3', ['-m', 'hear_tools', 'bench-head', '--json'], join(ROOT, 'models'), join(ROOT, 'models', 'hear_tools', 'bench.py'));
      say(headSummary(report.head));
    }
    const song3 = join(dir, 'song-3min.wav');
    if (!only || only === 'pipeline' || only === 'rss') writeSong(song3, 180);
    if (!only || only === 'pipeline') {
      const s = await stages(model, song3);
      const m = s.median;
      report.stages = { song: '3 min, 44.1 kHz stereo 16-bit WAV', medianMs: m, runsMs: s.runs, xRealtime: 180 / (m.totalMs / 1000) };
      say(`stages of a 3-minute song (median of 3 warm runs, ${PROVIDER}, 1 thread):`);
      for (const [k, v] of Object.entries(m)) say(`  ${k.replace('Ms', '').padEnd(9)} ${v.toFixed(0).padStart(6)} ms  (${(180 / (v / 1000)).toFixed(0)}x realtime)`);

      if (availableParallelism() < 2) {
        // pinned to one core (the one-core speed figures): two jobs can only share it
        say('--jobs 2 vs --jobs 1: skipped, one core available');
      } else {
        const count = Number(arg('--songs') ?? 6);
        const songs = Array.from({ length: count }, (_, i) => join(dir, `copy-${i}.wav`));
        for (const f of songs) copyFileSync(song3, f);
        const one = await throughput(model, songs, 1);
        const two = await throughput(model, songs, 2);
        report.jobs = { songs: count, songsPerSecondJobs1: one, songsPerSecondJobs2: two, ratio: two / one, target: JOBS_TARGET, cores: availableParallelism() };
        say(`--jobs 2 vs --jobs 1 (${count} 3-minute songs, warm): ${one.toFixed(2)} vs ${two.toFixed(2)} songs/s = ${(two / one).toFixed(2)}x (target >= ${JOBS_TARGET}x on 2 cores)`);
      }
    }
    if (!only || only === 'pipeline' || only === 'rss') {
      const given = arg('--song');
      const song10 = given ?? join(dir, 'song-10min.wav');
      if (!given) writeSong(song10, 600);
      const rss10 = peakRss(model, song10);
      const rss3 = peakRss(model, song3);
      report.peakRss = { tenMinutesMB: rss10.maxRssMB, threeMinutesMB: rss3.maxRssMB, budgetMB: RSS_BUDGET_MB, tenMinuteTimings: rss10.timings, song: given };
      say(`peak RSS, fresh process, one song: ${given ?? '10 min'} ${rss10.maxRssMB.toFixed(0)} MB (${(rss10.maxRssMB / RSS_BUDGET_MB).toFixed(2)}x the ${RSS_BUDGET_MB} MB budget); 3 min ${rss3.maxRssMB.toFixed(0)} MB`);
      const t = rss10.timings;
      say(`  10-minute song stages: decode ${t.decodeMs.toFixed(0)} ms, sources ${t.sourcesMs.toFixed(0)} ms, head ${t.headMs.toFixed(0)} ms, segments ${t.segmentsMs.toFixed(0)} ms, total ${t.totalMs.toFixed(0)} ms (cold sessions)`);
    }
    if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
