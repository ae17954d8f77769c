// Decoding real files written by sox and ffmpeg from one known signal, compared with what sox itself
// reads back (WAV, FLAC) or with the source (lossy codecs), and the metadata of each.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { disposeAudioWorkers, loadAudio } from '../../src/core/audio';
import { checkOggEnd } from '../../src/core/audio/codecs';
import { resample } from '../../src/core/audio/resample';
import { HAVE_FFMPEG, HAVE_SOX, bytesOf, correlation, downmix, f32, run } from './audio-helpers';
import { tempDir } from './engine-helpers';

const RATE = 44100;
const SECONDS = 3;
const skip = HAVE_SOX && HAVE_FFMPEG ? false : 'needs sox and ffmpeg (apt-get install sox ffmpeg)';

/** Stereo, music-like: a chord with a slow tremolo on the left, a melody of tones on the right. */
function sourceSignal(): Float32Array {
  const frames = RATE * SECONDS;
  const out = new Float32Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    const t = i / RATE;
    const left = 0.2 * (1 + 0.5 * Math.sin(2 * Math.PI * 0.7 * t)) * (Math.sin(2 * Math.PI * 220 * t) + Math.sin(2 * Math.PI * 277.2 * t) + Math.sin(2 * Math.PI * 329.6 * t)) / 3;
    const note = [440, 494, 523, 587, 659, 587][Math.floor(t * 2) % 6];
    const right = 0.4 * Math.sin(2 * Math.PI * note * t) * Math.min(1, (t * 2) % 1 * 20);
    out[2 * i] = left;
    out[2 * i + 1] = right;
  }
  return out;
}

/** What sox reads from `file`, as mono (mean of channels) float samples. */
function soxMono(file: string, channels: number): Float32Array {
  return downmix(f32(run('sox', [file, '-t', 'f32', '-'])), channels);
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tolerance, `${what}: max difference ${worst}`);
}

describe('loadAudio decodes', { skip }, () => {
  const dir = tempDir();
  const raw = path.join(dir, 'source.f32');
  let sourceMono: Float32Array = new Float32Array(0);
  const file = (name: string) => path.join(dir, name);

  before(() => {
    const source = sourceSignal();
    writeFileSync(raw, bytesOf(source));
    sourceMono = downmix(source, 2);
    const rawIn = ['-t', 'f32', '-r', String(RATE), '-c', '2', raw];
    // -D: no dither, so sox's read-back is exactly what the file holds.
    run('sox', ['-D', ...rawIn, '-b', '16', '-e', 'signed', file('s16.wav')]);
    run('sox', ['-D', ...rawIn, '-b', '24', file('s24.flac')]);
  });
  after(() => disposeAudioWorkers());

  const wavVariants: [string, string, string[], number][] = [
    ['u8', 'u8.wav', ['-b', '8', '-e', 'unsigned'], 2],
    ['s16', 's16-copy.wav', ['-b', '16', '-e', 'signed'], 2],
    ['s24', 's24.wav', ['-b', '24', '-e', 'signed'], 2],
    ['s32', 's32.wav', ['-b', '32', '-e', 'signed'], 2],
    ['f32', 'f32.wav', ['-b', '32', '-e', 'floating-point'], 2],
    ['f64', 'f64.wav', ['-b', '64', '-e', 'floating-point'], 2],
    ['mono s16', 'mono.wav', ['-b', '16', '-e', 'signed', 'remix', '1'], 1],
    ['6-channel s24 (WAVE_FORMAT_EXTENSIBLE)', 'six.wav', ['-b', '24', '-e', 'signed', 'remix', '1', '2', '1', '2', '1v0.5', '2v0.5'], 6],
  ];
  for (const [name, fileName, args, channels] of wavVariants) {
    test(`WAV ${name}: the samples sox reads, at the native rate and resampled`, async () => {
      const wav = file(fileName);
      const effects = args.indexOf('remix');
      const format = effects < 0 ? args : args.slice(0, effects);
      run('sox', ['-D', '-t', 'f32', '-r', String(RATE), '-c', '2', raw, ...format, wav, ...(effects < 0 ? [] : args.slice(effects))]);
      if (channels > 2) assert.equal(readFileSync(wav).readUInt16LE(20), 0xfffe, 'sox wrote WAVE_FORMAT_EXTENSIBLE');
      const expected = soxMono(wav, channels);
      const native = await loadAudio(wav, { sampleRate: RATE });
      assertClose(native.samples, expected, 1e-6, name);
      assert.equal(native.info.channels, channels);
      assert.equal(native.info.sampleRate, RATE);
      assert.equal(native.info.durationSeconds, SECONDS);
      assert.equal(native.info.decoder, 'built-in WAV reader');
      const at24k = await loadAudio(wav, { sampleRate: 24000 });
      assertClose(at24k.samples, resample(expected, RATE, 24000), 1e-6, `${name} at 24 kHz`);
    });
  }

  test('RF64 (ffmpeg -rf64 always)', async () => {
    run('ffmpeg', ['-v', 'error', '-y', '-i', file('s16.wav'), '-rf64', 'always', file('rf64.wav')]);
    assert.equal(readFileSync(file('rf64.wav')).toString('latin1', 0, 4), 'RF64');
    const loaded = await loadAudio(file('rf64.wav'), { sampleRate: RATE });
    assertClose(loaded.samples, soxMono(file('s16.wav'), 2), 1e-6, 'rf64');
  });

  test('FLAC (16 and 24 bit) is lossless: the same samples as the WAV', async () => {
    run('ffmpeg', ['-v', 'error', '-y', '-i', file('s16.wav'), file('s16.flac')]);
    const flac16 = await loadAudio(file('s16.flac'), { sampleRate: RATE });
    assertClose(flac16.samples, soxMono(file('s16.wav'), 2), 1e-6, 'flac 16');
    assert.equal(flac16.info.format, 'flac');
    assert.equal(flac16.info.bitsPerSample, 16);
    const flac24 = await loadAudio(file('s24.flac'), { sampleRate: RATE });
    assertClose(flac24.samples, soxMono(file('s24.flac'), 2), 1e-6, 'flac 24');
    assert.equal(flac24.info.bitsPerSample, 24);
  });

  test('MP3 is gapless: length within one frame of the source, correlated with it at lag 0', async (t) => {
    run('ffmpeg', ['-v', 'error', '-y', '-i', file('s16.wav'), '-c:a', 'libmp3lame', '-b:a', '192k', file('song.mp3')]);
    const mp3 = await loadAudio(file('song.mp3'), { sampleRate: RATE });
    const frames = RATE * SECONDS;
    assert.ok(Math.abs(mp3.samples.length - frames) <= 1152, `decoded ${mp3.samples.length} samples for ${frames}`);
    const r = correlation(mp3.samples, sourceMono);
    t.diagnostic(`mp3: ${mp3.samples.length} samples for ${frames}, correlation ${r.toFixed(5)}`);
    assert.ok(r > 0.99, `correlation ${r}`);
    assert.equal(mp3.info.format, 'mp3');
    assert.equal(mp3.info.channels, 2);
    assert.equal(mp3.info.bitrate, 192000);
    assert.match(mp3.info.decoder, /mpg123/);
    // Decoded duration, not the container's (which includes the encoder delay).
    assert.equal(mp3.info.durationSeconds, mp3.samples.length / RATE);
  });

  test('Ogg Vorbis: exact length, correlated with the source', async () => {
    run('ffmpeg', ['-v', 'error', '-y', '-i', file('s16.wav'), '-c:a', 'libvorbis', '-q:a', '6', file('song.ogg')]);
    const ogg = await loadAudio(file('song.ogg'), { sampleRate: RATE });
    assert.equal(ogg.samples.length, RATE * SECONDS);
    assert.ok(correlation(ogg.samples, sourceMono) > 0.99);
    assert.equal(ogg.info.format, 'ogg/vorbis');
    assert.match(ogg.info.decoder, /ogg-vorbis/);
  });

  test('Ogg Vorbis read in several blocks: the samples ffmpeg decodes from the same file', async () => {
    // Noise on the left and a tone on the right, 20 s at -q 8: the decoder gets the file in several 64 KB
    // blocks, and the last call trims the stream to its end-of-stream page's granule position.
    run('sox', ['-n', '-r', String(RATE), '-c', '2', file('long.wav'), 'synth', '20', 'pinknoise', 'sine', '440', 'vol', '0.5']);
    run('ffmpeg', ['-v', 'error', '-y', '-i', file('long.wav'), '-c:a', 'libvorbis', '-q:a', '8', file('long.ogg')]);
    assert.ok(readFileSync(file('long.ogg')).length > 4 * 65536, 'the file spans several read blocks');
    const ogg = await loadAudio(file('long.ogg'), { sampleRate: RATE });
    const ffmpeg = downmix(f32(run('ffmpeg', ['-v', 'error', '-i', file('long.ogg'), '-f', 'f32le', '-'])), 2);
    assert.equal(ogg.samples.length, RATE * 20);
    assertClose(ogg.samples, ffmpeg, 1e-5, 'ogg vs ffmpeg');
    // Its end-of-stream page's granule position, which sizes the output, is the stream's length.
    const handle = await open(file('long.ogg'), 'r');
    try {
      assert.equal(await checkOggEnd(handle, (await handle.stat()).size, file('long.ogg')), RATE * 20);
    } finally {
      await handle.close();
    }
  });

  test('formats without a built-in decoder go through ffmpeg: AAC (m4a), Opus, AIFF', async () => {
    run('ffmpeg', ['-v', 'error', '-y', '-i', file('s16.wav'), '-c:a', 'aac', '-b:a', '192k', file('song.m4a')]);
    run('ffmpeg', ['-v', 'error', '-y', '-i', file('s16.wav'), '-c:a', 'libopus', '-b:a', '128k', file('song.opus')]);
    run('ffmpeg', ['-v', 'error', '-y', '-i', file('s16.wav'), file('song.aiff')]);
    const aiff = await loadAudio(file('song.aiff'), { sampleRate: RATE });
    assertClose(aiff.samples, soxMono(file('s16.wav'), 2), 1e-6, 'aiff');
    const m4a = await loadAudio(file('song.m4a'), { sampleRate: RATE });
    assert.ok(Math.abs(m4a.samples.length - RATE * SECONDS) <= 2048, `m4a length ${m4a.samples.length}`);
    assert.ok(correlation(m4a.samples, sourceMono) > 0.99);
    assert.match(m4a.info.decoder, /^ffmpeg/);
    assert.equal(m4a.info.format, 'mp4/aac');
    const opus = await loadAudio(file('song.opus'), { sampleRate: 24000 });
    assert.equal(opus.info.sampleRate, 48000);
    assert.ok(Math.abs(opus.samples.length - 24000 * SECONDS) <= 24, `opus length ${opus.samples.length}`);
    assert.ok(correlation(opus.samples, resample(sourceMono, RATE, 24000)) > 0.98);
  });

  test('metadata: tags and stream facts from music-metadata, for MP3, FLAC and Ogg', async () => {
    const tags = ['title=Test Song', 'artist=The Testers', 'album=Fixtures', 'genre=Chiptune', 'date=2021', 'comment=made by the tests'];
    const meta = tags.flatMap((tag) => ['-metadata', tag]);
    for (const [name, codec] of [['tagged.mp3', 'libmp3lame'], ['tagged.flac', 'flac'], ['tagged.ogg', 'libvorbis']]) {
      run('ffmpeg', ['-v', 'error', '-y', '-i', file('s16.wav'), ...meta, '-c:a', codec, file(name)]);
      const expected = { title: 'Test Song', artist: 'The Testers', album: 'Fixtures', genre: 'Chiptune', year: '2021', comment: 'made by the tests' };
      const { info } = await loadAudio(file(name), { sampleRate: 24000 });
      assert.deepEqual(info.tags, expected, name);
      assert.equal(info.sampleRate, RATE);
      assert.equal(info.channels, 2);
      assert.ok(Math.abs(info.durationSeconds - SECONDS) < 0.06, `${name}: decoded ${info.durationSeconds} s`);
      assert.ok(info.bitrate && info.bitrate > 0);
    }
    const { info: wav } = await loadAudio(file('s16.wav'), { sampleRate: 24000 });
    assert.equal(wav.bitsPerSample, 16);
    assert.equal(wav.bitrate, RATE * 2 * 16);
  });
});
