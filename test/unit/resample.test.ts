// The polyphase resampler against sox `rate -v` (the reference) and against the specification: passband
// flat within 0.1 dB up to 10 kHz and >= 100 dB alias rejection for 24 kHz output.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Resampler, designResampler, resample } from '../../src/core/audio/resample';
import { HAVE_SOX, dB, f32, fitTone, rms, run, sine, snrDb, soxResample } from './audio-helpers';

const OUT = 24000;
const RATES = [8000, 11025, 22050, 32000, 44100, 48000, 88200, 96000, 192000];
const noSox = HAVE_SOX ? false : 'sox is not installed (apt-get install sox)';

/** One second of a tone at `rate`, resampled to 24 kHz; measured on the middle 0.8 s (edges excluded). */
function toneThrough(frequency: number, rate: number) {
  const y = resample(sine(frequency, rate, rate), rate, OUT);
  return { y, from: OUT / 10, to: OUT - OUT / 10 };
}

describe('resample', () => {
  test('output length is ceil(n * to / from) for every supported input rate', () => {
    for (const rate of RATES) {
      for (const n of [0, 1, 7, rate, rate + 13]) {
        assert.equal(resample(new Float32Array(n), rate, OUT).length, Math.ceil((n * OUT) / rate), `${rate} Hz, ${n} samples`);
      }
    }
  });

  test('identical rates return an exact copy; a constant stays exactly constant', () => {
    const x = sine(440, OUT, 1000);
    const same = resample(x, OUT, OUT);
    assert.deepEqual(same, x);
    assert.notEqual(same, x);
    const dc = resample(new Float32Array(44100).fill(0.25), 44100, OUT);
    for (let i = 200; i < dc.length - 200; i++) assert.ok(Math.abs(dc[i] - 0.25) < 1e-6, `sample ${i}: ${dc[i]}`);
  });

  test('2:1 (48 kHz -> 24 kHz) uses a single phase; 44.1 kHz -> 24 kHz uses 80', () => {
    assert.equal(designResampler(48000, OUT).up, 1);
    assert.equal(designResampler(48000, OUT).down, 2);
    assert.equal(designResampler(44100, OUT).up, 80);
    assert.equal(designResampler(44100, OUT).down, 147);
  });

  test('streaming in odd-sized blocks gives exactly the one-shot result', () => {
    const x = new Float32Array(44100);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.013) * 0.5 + Math.sin(i * 0.7) * 0.2;
    const whole = resample(x, 44100, OUT);
    const r = new Resampler(44100, OUT);
    const parts: number[] = [];
    for (let at = 0; at < x.length; at += 1237) parts.push(...r.push(x.subarray(at, at + 1237)));
    parts.push(...r.flush());
    assert.deepEqual(Float32Array.from(parts), whole);
  });

  test('passband: tones up to 10 kHz keep their amplitude within 0.1 dB', () => {
    for (const rate of [22050, 32000, 44100, 48000, 96000, 192000]) {
      for (const f of [50, 1000, 5000, 9000, 10000]) {
        const { y, from, to } = toneThrough(f, rate);
        const gain = dB(fitTone(y, f, OUT, from, to).amplitude / 0.5);
        assert.ok(Math.abs(gain) <= 0.1, `${rate} Hz input, ${f} Hz tone: ${gain.toFixed(4)} dB`);
      }
    }
  });

  test('alias rejection: tones above 12 kHz come out at least 100 dB down', (t) => {
    let worst = -Infinity;
    for (const rate of [32000, 44100, 48000, 88200, 96000, 192000]) {
      for (const f of [12100, 12500, 13000, 15000, 18000, 20000, rate / 2 - 100]) {
        if (f >= rate / 2) continue;
        const { y, from, to } = toneThrough(f, rate);
        const level = dB(rms(y, from, to) / (0.5 / Math.SQRT2));
        worst = Math.max(worst, level);
        assert.ok(level <= -100, `${rate} Hz input, ${f} Hz tone aliases at ${level.toFixed(1)} dB`);
      }
    }
    t.diagnostic(`worst alias: ${worst.toFixed(1)} dB`);
  });

  test('image rejection when upsampling (8 kHz and 22.05 kHz -> 24 kHz): 100 dB', () => {
    for (const [rate, f] of [[8000, 500], [8000, 2000], [8000, 3500], [22050, 1000], [22050, 5000], [22050, 9900]]) {
      const { y, from, to } = toneThrough(f, rate);
      const fit = fitTone(y, f, OUT, from, to);
      assert.ok(Math.abs(dB(fit.amplitude / 0.5)) <= 0.1, `${rate} Hz input, ${f} Hz amplitude ${dB(fit.amplitude / 0.5)} dB`);
      const images = dB(fit.residualRms / (0.5 / Math.SQRT2));
      assert.ok(images <= -100, `${rate} Hz input, ${f} Hz tone leaves images at ${images.toFixed(1)} dB`);
    }
  });

  test('matches sox rate -v on tones: same amplitude (0.1 dB) and same phase', { skip: noSox }, () => {
    for (const rate of [44100, 48000]) {
      for (const f of [1000, 6000, 9000]) {
        const x = sine(f, rate, rate);
        const ours = resample(x, rate, OUT);
        const sox = soxResample(x, rate, OUT);
        const from = OUT / 10, to = OUT - OUT / 10;
        assert.ok(Math.abs(dB(fitTone(ours, f, OUT, from, to).amplitude / fitTone(sox, f, OUT, from, to).amplitude)) < 0.1);
        assert.ok(snrDb(sox, ours, from, to) > 90, `${rate} Hz, ${f} Hz: SNR vs sox ${snrDb(sox, ours, from, to).toFixed(1)} dB`);
      }
    }
  });

  test('matches sox rate -v sample by sample on band-limited noise at every rate', { skip: noSox }, (t) => {
    const report: string[] = [];
    for (const rate of RATES) {
      // White noise, low-passed by sox to 80% of the lower Nyquist (inside both resamplers' passbands).
      const band = 0.8 * (Math.min(rate, OUT) / 2);
      const noise = f32(run('sox', ['-R', '-n', '-r', String(rate), '-c', '1', '-t', 'f32', '-', 'synth', '2', 'whitenoise', 'vol', '0.5', 'sinc', '-t', '200', `-${band}`]));
      const ours = resample(noise, rate, OUT);
      const sox = soxResample(noise, rate, OUT);
      assert.equal(ours.length, sox.length, `${rate} Hz: length`);
      // The first and last 0.2 s differ in how each handles the signal's edges; compare the rest.
      const snr = snrDb(sox, ours, OUT / 5, ours.length - OUT / 5);
      report.push(`${rate}: ${snr.toFixed(1)} dB`);
      assert.ok(snr >= 100, `${rate} Hz -> 24 kHz: SNR vs sox ${snr.toFixed(1)} dB`);
    }
    t.diagnostic(`SNR vs sox on band-limited noise: ${report.join(', ')}`);
  });
});
