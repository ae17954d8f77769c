// Audio benchmark: decode + resample of a 3-minute 44.1 kHz stereo MP3 to 24 kHz mono against ffmpeg doing
// the same (`ffmpeg -i x.mp3 -ac 1 -ar 24000 -f f32le -`), and the resampler alone on one core, with its
// measured alias rejection. Every figure is measured in this run; ratios compare against references
// measured in this run on this machine.
//
//   node --import tsx scripts/bench-audio.ts [--json]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { disposeAudioWorkers, loadAudio, resample } from '../src/core/audio';

const SECONDS = 180;
const RATE = 44100;
const OUT = 24000;
const RUNS = 3;

function ffmpegAvailable(): boolean {
  return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).error === undefined;
}

/** Music-like test signal: a chord progression with envelopes (left), a melody (right), a little noise. */
function musicLike(): Float32Array {
  const frames = RATE * SECONDS;
  const out = new Float32Array(frames * 2);
  const chords = [[220, 277.18, 329.63], [196, 246.94, 293.66], [174.61, 220, 261.63], [196, 246.94, 329.63]];
  const melody = [659.25, 587.33, 523.25, 493.88, 440, 493.88, 523.25, 587.33];
  let noise = 1;
  for (let i = 0; i < frames; i++) {
    const t = i / RATE;
    const chord = chords[Math.floor(t / 2) % chords.length];
    const beat = t % 0.5;
    const envelope = Math.exp(-3 * beat);
    let left = 0;
    for (const f of chord) left += Math.sin(2 * Math.PI * f * t) + 0.3 * Math.sin(4 * Math.PI * f * t);
    const note = melody[Math.floor(t * 4) % melody.length];
    const right = Math.sin(2 * Math.PI * note * t) + 0.5 * Math.sin(2 * Math.PI * 3 * note * t) * envelope;
    noise = (noise * 1103515245 + 12345) % 2147483648;
    const hiss = (noise / 2147483648 - 0.5) * 0.02 * envelope;
    out[2 * i] = 0.15 * left * (0.6 + 0.4 * envelope) + hiss;
    out[2 * i + 1] = 0.3 * right * (0.5 + 0.5 * Math.exp(-6 * (t % 0.25))) + hiss;
  }
  return out;
}

async function timeIt(run: () => Promise<unknown> | unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Worst level (dB re. the tone) of tones above the output Nyquist after resampling, and the 10 kHz gain. */
function measureResampler(fromRate: number): { aliasDb: number; gainAt10kDb: number } {
  const tone = (f: number) => Float32Array.from({ length: fromRate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / fromRate));
  const rmsMiddle = (y: Float32Array) => {
    let sum = 0;
    for (let i = OUT / 10; i < OUT - OUT / 10; i++) sum += y[i] * y[i];
    return Math.sqrt(sum / (OUT * 0.8));
  };
  let aliasDb = -Infinity;
  for (let f = 12100; f < fromRate / 2; f += 700) {
    aliasDb = Math.max(aliasDb, 20 * Math.log10(rmsMiddle(resample(tone(f), fromRate, OUT)) / (0.5 / Math.SQRT2)));
  }
  const gainAt10kDb = 20 * Math.log10(rmsMiddle(resample(tone(10000), fromRate, OUT)) / (0.5 / Math.SQRT2));
  return { aliasDb, gainAt10kDb };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  if (!ffmpegAvailable()) throw new Error('bench-audio needs ffmpeg on PATH to make its MP3 and to time the reference');
  const dir = mkdtempSync(path.join(tmpdir(), 'hear-bench-audio-'));
  try {
    const raw = path.join(dir, 'song.f32');
    const mp3 = path.join(dir, 'song.mp3');
    writeFileSync(raw, Buffer.from(musicLike().buffer));
    const encode = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'f32le', '-ar', String(RATE), '-ac', '2', '-i', raw, '-c:a', 'libmp3lame', '-b:a', '192k', mp3]);
    if (encode.status !== 0) throw new Error(`ffmpeg could not encode the test MP3: ${encode.stderr}`);

    // Reference: ffmpeg decoding, downmixing and resampling in one process.
    const ffmpegTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ffmpegTimes.push(await timeIt(() => spawnSync('ffmpeg', ['-v', 'error', '-i', mp3, '-ac', '1', '-ar', String(OUT), '-f', 'f32le', '-'], { maxBuffer: 1 << 30 })));
    }
    // Ours: the first call also starts a worker thread and compiles the decoder's WASM.
    const oursTimes: number[] = [];
    let samples = 0;
    for (let i = 0; i < RUNS + 1; i++) {
      oursTimes.push(await timeIt(async () => (samples = (await loadAudio(mp3, { sampleRate: OUT })).samples.length)));
    }
    await disposeAudioWorkers();

    // The resampler alone, on this thread (one core): 3 minutes of 44.1 kHz and 48 kHz mono.
    const input441 = Float32Array.from({ length: RATE * SECONDS }, (_, i) => Math.sin(i * 0.05) * 0.3 + Math.sin(i * 1.3) * 0.1);
    const input48 = Float32Array.from({ length: 48000 * SECONDS }, (_, i) => Math.sin(i * 0.05) * 0.3 + Math.sin(i * 1.3) * 0.1);
    resample(input441.subarray(0, RATE * 5), RATE, OUT); // warm-up (JIT)
    const resample441: number[] = [];
    const resample48: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      resample441.push(await timeIt(() => resample(input441, RATE, OUT)));
      resample48.push(await timeIt(() => resample(input48, 48000, OUT)));
    }
    const quality441 = measureResampler(RATE);
    const quality48 = measureResampler(48000);

    const ffmpegSeconds = median(ffmpegTimes);
    const warmSeconds = median(oursTimes.slice(1));
    const result = {
      decodeResample: {
        input: `${SECONDS} s MP3, 44.1 kHz stereo, 192 kbit/s -> 24 kHz mono`,
        outputSamples: samples,
        ffmpegSeconds,
        oursColdSeconds: oursTimes[0],
        oursWarmSeconds: warmSeconds,
        ratioWarm: warmSeconds / ffmpegSeconds,
        ratioCold: oursTimes[0] / ffmpegSeconds,
        target: 'ratio <= 2',
      },
      resampler: {
        '44100->24000': { seconds: median(resample441), xRealtime: SECONDS / median(resample441), aliasRejectionDb: -quality441.aliasDb, gainAt10kHzDb: quality441.gainAt10kDb },
        '48000->24000': { seconds: median(resample48), xRealtime: SECONDS / median(resample48), aliasRejectionDb: -quality48.aliasDb, gainAt10kHzDb: quality48.gainAt10kDb },
        target: '>= 300x realtime on one core, >= 100 dB alias rejection',
      },
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const d = result.decodeResample;
    const r441 = result.resampler['44100->24000'];
    const r48 = result.resampler['48000->24000'];
    console.log(`decode + resample, ${d.input}:`);
    console.log(`  ffmpeg ${d.ffmpegSeconds.toFixed(3)} s; ours ${d.oursWarmSeconds.toFixed(3)} s warm (${d.ratioWarm.toFixed(2)}x ffmpeg), ${d.oursColdSeconds.toFixed(3)} s cold (${d.ratioCold.toFixed(2)}x); target <= 2x`);
    console.log(`resampler on one core (target >= 300x realtime, >= 100 dB alias rejection):`);
    console.log(`  44.1 kHz -> 24 kHz: ${r441.xRealtime.toFixed(0)}x realtime, alias rejection ${r441.aliasRejectionDb.toFixed(1)} dB, ${r441.gainAt10kHzDb.toFixed(3)} dB at 10 kHz`);
    console.log(`  48 kHz -> 24 kHz:   ${r48.xRealtime.toFixed(0)}x realtime, alias rejection ${r48.aliasRejectionDb.toFixed(1)} dB, ${r48.gainAt10kHzDb.toFixed(3)} dB at 10 kHz`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
