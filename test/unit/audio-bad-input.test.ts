// The bad-input corpus, audio half: every kind of broken, hostile or merely unusual file gets either a
// correct decode or a HearError with the right code and a message that names the file. The files are
// generated here into a temporary folder (the two-hour file alone is 58 MB).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { disposeAudioWorkers, loadAudio, type LoadAudioOptions } from '../../src/core/audio';
import { readContainerFacts } from '../../src/core/audio/metadata';
import { HearError, type HearErrorCode } from '../../src/core/errors';
import { HAVE_FFMPEG, HAVE_SOX, dB, fitTone, run, wavFile } from './audio-helpers';
import { tempDir } from './engine-helpers';

const dir = tempDir();
const file = (name: string) => path.join(dir, name);
const needTools = HAVE_SOX && HAVE_FFMPEG ? false : 'needs sox and ffmpeg (apt-get install sox ffmpeg)';

after(() => disposeAudioWorkers());

/** loadAudio must reject with one of `codes`, in a message that names the file. */
async function refuses(name: string, codes: HearErrorCode | HearErrorCode[], options: Partial<LoadAudioOptions> = {}): Promise<HearError> {
  const target = file(name);
  const error = await loadAudio(target, { sampleRate: 24000, ...options }).then(
    () => assert.fail(`${name} decoded, expected ${codes}`),
    (err: unknown) => err,
  );
  assert.ok(error instanceof HearError, `${name}: ${String(error)}`);
  assert.ok([codes].flat().includes(error.code), `${name}: got ${error.code} (${error.message}), expected ${codes}`);
  assert.ok(error.message.startsWith(`${target}: `) && error.message.length > target.length + 8, `${name}: message "${error.message}"`);
  assert.equal(error.file, target);
  return error;
}

/** Deterministic "random" bytes (xorshift), so a failure can be reproduced. */
function noiseBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function pcm16(samples: number[] | Float64Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) => out.writeInt16LE(Math.round(v * 32767), i * 2));
  return out;
}

/** An Ogg file's pages, each whole (header, segment table, body). */
function oggPages(bytes: Buffer): Buffer[] {
  const pages: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const segments = bytes[at + 26];
    let end = at + 27 + segments;
    for (let i = 0; i < segments; i++) end += bytes[at + 27 + i];
    pages.push(bytes.subarray(at, end));
    at = end;
  }
  return pages;
}

const tone = (frequency: number, rate: number, seconds: number, channels = 1) =>
  Float64Array.from({ length: Math.round(rate * seconds) * channels }, (_, i) => 0.5 * Math.sin((2 * Math.PI * frequency * Math.floor(i / channels)) / rate));

describe('bad input', () => {
  test('empty file -> EMPTY', async () => {
    writeFileSync(file('empty.wav'), '');
    await refuses('empty.wav', 'EMPTY');
  });

  test('missing file -> NOT_FOUND; directory named x.wav -> NOT_A_FILE', async () => {
    await refuses('missing.wav', 'NOT_FOUND');
    mkdirSync(file('x.wav'));
    await refuses('x.wav', 'NOT_A_FILE');
  });

  test('random bytes named .wav or .mp3 -> UNSUPPORTED_FORMAT or CORRUPT', async () => {
    writeFileSync(file('random.wav'), noiseBytes(65536, 1));
    writeFileSync(file('random.mp3'), noiseBytes(65536, 2));
    await refuses('random.wav', ['UNSUPPORTED_FORMAT', 'CORRUPT']);
    await refuses('random.mp3', ['UNSUPPORTED_FORMAT', 'CORRUPT']);
  });

  test('random bytes: the cause says the bytes are no audio container, whichever decoder gave up', async () => {
    writeFileSync(file('noise.wav'), noiseBytes(65536, 3));
    const error = await refuses('noise.wav', 'UNSUPPORTED_FORMAT');
    assert.match(error.message, /noise\.wav/);
    assert.match(error.message, /not a recognised audio format: its first bytes match no audio container/);
  });

  test('WAV header claiming 4 GB or (RF64) 2 TB of data in a 2 KB file -> TRUNCATED, nothing allocated', async () => {
    const data = pcm16(tone(440, 8000, 0.1));
    writeFileSync(file('claims-4gb.wav'), wavFile({ channels: 2, sampleRate: 44100, bitsPerSample: 16, declaredDataBytes: 0xfffffff0 }, data));
    // RF64: the 32-bit sizes are 0xFFFFFFFF and a ds64 chunk holds the real (here: false) 64-bit ones.
    const ds64 = Buffer.alloc(36);
    ds64.write('ds64', 0, 'latin1');
    ds64.writeUInt32LE(28, 4);
    ds64.writeBigUInt64LE(2n ** 41n, 8); // RIFF size
    ds64.writeBigUInt64LE(2n ** 41n, 16); // data size: 2 TiB
    const canonical = wavFile({ channels: 2, sampleRate: 44100, bitsPerSample: 16, declaredDataBytes: 0xffffffff }, data);
    canonical.write('RF64', 0, 'latin1');
    writeFileSync(file('claims-2tb.wav'), Buffer.concat([canonical.subarray(0, 12), ds64, canonical.subarray(12)]));
    const before = process.memoryUsage().rss;
    await refuses('claims-4gb.wav', 'TRUNCATED');
    const error = await refuses('claims-2tb.wav', 'TRUNCATED');
    assert.match(error.message, /declares 2199023255552 bytes/);
    assert.ok(process.memoryUsage().rss - before < 100e6);
  });

  test('WAV data chunk 95% present decodes what is there; 50% present -> TRUNCATED; size 0 reads to the end', async () => {
    const data = pcm16(tone(440, 8000, 2));
    writeFileSync(file('95-percent.wav'), wavFile({ channels: 1, sampleRate: 8000, bitsPerSample: 16, declaredDataBytes: Math.round(data.length / 0.95) }, data));
    writeFileSync(file('50-percent.wav'), wavFile({ channels: 1, sampleRate: 8000, bitsPerSample: 16, declaredDataBytes: data.length * 2 }, data));
    const partial = await loadAudio(file('95-percent.wav'), { sampleRate: 8000 });
    assert.equal(partial.samples.length, 16000);
    assert.equal(partial.info.durationSeconds, 2);
    await refuses('50-percent.wav', 'TRUNCATED');
    // A writer that never came back to fill in the size leaves 0: read to the end of the file.
    writeFileSync(file('size-zero.wav'), wavFile({ channels: 1, sampleRate: 8000, bitsPerSample: 16, declaredDataBytes: 0 }, data));
    assert.equal((await loadAudio(file('size-zero.wav'), { sampleRate: 8000 })).samples.length, 16000);
  });

  test('WAV with a header and no data chunk -> TRUNCATED; zero channels -> CORRUPT; 0 Hz -> CORRUPT', async () => {
    writeFileSync(file('no-data.wav'), wavFile({ channels: 1, sampleRate: 8000, bitsPerSample: 16 }, Buffer.alloc(0)).subarray(0, 36));
    await refuses('no-data.wav', 'TRUNCATED');
    writeFileSync(file('zero-channels.wav'), wavFile({ channels: 0, sampleRate: 8000, bitsPerSample: 16 }, Buffer.alloc(1000)));
    const error = await refuses('zero-channels.wav', 'CORRUPT');
    assert.match(error.message, /zero channels/);
    writeFileSync(file('zero-hz.wav'), wavFile({ channels: 1, sampleRate: 0, bitsPerSample: 16 }, Buffer.alloc(1000)));
    await refuses('zero-hz.wav', 'CORRUPT');
  });

  test('one sample -> TOO_SHORT', async () => {
    writeFileSync(file('one-sample.wav'), wavFile({ channels: 1, sampleRate: 44100, bitsPerSample: 16 }, pcm16([0.5])));
    const error = await refuses('one-sample.wav', 'TOO_SHORT');
    assert.match(error.message, /1 samples/);
  });

  test('two hours of silence (8 kHz 8-bit) -> TOO_LARGE before decoding; 10 s of silence -> BAD_SAMPLES', async () => {
    writeFileSync(file('two-hours.wav'), wavFile({ channels: 1, sampleRate: 8000, bitsPerSample: 8 }, Buffer.alloc(8000 * 7200, 0x80)));
    const started = Date.now();
    await refuses('two-hours.wav', 'TOO_LARGE');
    assert.ok(Date.now() - started < 2000, 'refused from the header, without decoding');
    writeFileSync(file('silence.wav'), wavFile({ channels: 1, sampleRate: 8000, bitsPerSample: 8 }, Buffer.alloc(80000, 0x80)));
    const error = await refuses('silence.wav', 'BAD_SAMPLES');
    assert.match(error.message, /silent: nothing to score/);
  });

  test('two hours of Ogg Vorbis (its length only in its last page) -> TOO_LARGE before decoding', { skip: needTools }, async () => {
    // A minute of 8 kHz silence, looped by stream copy (no encoding, well under a second).
    run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '60', '-c:a', 'libvorbis', '-q:a', '-1', file('minute.ogg')]);
    run('ffmpeg', ['-v', 'error', '-y', '-stream_loop', '119', '-i', file('minute.ogg'), '-c', 'copy', file('two-hours.ogg')]);
    // The length before decoding ("120.0 minutes"), not the limit reached while decoding.
    const error = await refuses('two-hours.ogg', 'TOO_LARGE');
    assert.match(error.message, /: 120\.0 minutes of audio, longer than the 3600 s limit$/);
  });

  test('Ogg Vorbis with bytes overwritten mid-stream -> the decoder\'s error, in words', { skip: needTools }, async () => {
    run('sox', ['-n', '-r', '44100', '-c', '2', file('tones.wav'), 'synth', '20', 'sine', '440', 'sine', '660']);
    run('ffmpeg', ['-v', 'error', '-y', '-i', file('tones.wav'), '-c:a', 'libvorbis', file('tones.ogg')]);
    const bytes = readFileSync(file('tones.ogg'));
    noiseBytes(4000, 7).copy(bytes, Math.floor(bytes.length / 3));
    writeFileSync(file('overwritten.ogg'), bytes);
    const error = await refuses('overwritten.ogg', ['TRUNCATED', 'CORRUPT']);
    // Not the package's own " vorbis_synthesisOV_ENOTAUDIO" run together
    assert.match(error.message, /error\(s\), first: vorbis_synthesis: OV_E[A-Z]+ \w/);
  });

  test('a duration limit applies to every format (TOO_LARGE)', { skip: needTools }, async () => {
    run('sox', ['-n', '-r', '8000', '-c', '1', file('ten-seconds.flac'), 'synth', '10', 'sine', '440']);
    await refuses('ten-seconds.flac', 'TOO_LARGE', { maxDurationSeconds: 5 });
  });

  test('NaN or infinite float samples -> BAD_SAMPLES', async () => {
    const f32 = Buffer.alloc(8000 * 4);
    for (let i = 0; i < 8000; i++) f32.writeFloatLE(0.25 * Math.sin(i / 10), i * 4);
    f32.writeFloatLE(NaN, 4000 * 4);
    writeFileSync(file('nan.wav'), wavFile({ formatTag: 3, channels: 1, sampleRate: 8000, bitsPerSample: 32 }, f32));
    const f64 = Buffer.alloc(8000 * 8);
    f64.writeDoubleLE(Infinity, 7000 * 8);
    writeFileSync(file('inf.wav'), wavFile({ formatTag: 3, channels: 1, sampleRate: 8000, bitsPerSample: 64 }, f64));
    assert.match((await refuses('nan.wav', 'BAD_SAMPLES')).message, /NaN or infinite samples \(first at 0\.500 s\)/);
    await refuses('inf.wav', 'BAD_SAMPLES');
  });

  test('8 kHz, 192 kHz and 6-channel files are valid: decoded and resampled correctly', async () => {
    for (const [name, rate, channels] of [['8k.wav', 8000, 1], ['192k.wav', 192000, 2], ['six-channels.wav', 48000, 6]] as const) {
      writeFileSync(file(name), wavFile({ channels, sampleRate: rate, bitsPerSample: 16 }, pcm16(tone(1000, rate, 1, channels))));
      const loaded = await loadAudio(file(name), { sampleRate: 24000 });
      assert.equal(loaded.samples.length, 24000, name);
      assert.equal(loaded.info.sampleRate, rate);
      assert.equal(loaded.info.channels, channels);
      const fit = fitTone(loaded.samples, 1000, 24000, 2400, 21600);
      assert.ok(Math.abs(dB(fit.amplitude / 0.5)) < 0.01, `${name}: 1 kHz at ${dB(fit.amplitude / 0.5)} dB`);
      assert.ok(dB(fit.residualRms / 0.35) < -80, `${name}: residual ${dB(fit.residualRms / 0.35)} dB`);
    }
  });

  test('a WAV named .mp3 decodes by its contents', async () => {
    writeFileSync(file('actually-wav.mp3'), wavFile({ channels: 1, sampleRate: 16000, bitsPerSample: 16 }, pcm16(tone(440, 16000, 1))));
    const loaded = await loadAudio(file('actually-wav.mp3'), { sampleRate: 24000 });
    assert.equal(loaded.info.format, 'wav/pcm_s16le');
    assert.equal(loaded.samples.length, 24000);
  });

  describe('cut-off compressed files -> TRUNCATED', { skip: needTools }, () => {
    const cut = (source: string, target: string, fraction: number) => {
      const bytes = readFileSync(file(source));
      writeFileSync(file(target), bytes.subarray(0, Math.floor(bytes.length * fraction)));
    };
    // The song each of the first three tests encodes and cuts: made once, so each test also runs alone.
    before(() => run('sox', ['-n', '-r', '44100', '-c', '2', file('song.wav'), 'synth', '10', 'sine', '440', 'sine', '660']));
    test('MP3 cut to 30%', async () => {
      run('ffmpeg', ['-v', 'error', '-y', '-i', file('song.wav'), '-b:a', '128k', file('song.mp3')]);
      cut('song.mp3', 'cut.mp3', 0.3);
      await refuses('cut.mp3', 'TRUNCATED');
    });
    test('FLAC cut to 30% (mid-frame)', async () => {
      run('ffmpeg', ['-v', 'error', '-y', '-i', file('song.wav'), file('song.flac')]);
      cut('song.flac', 'cut.flac', 0.3);
      await refuses('cut.flac', 'TRUNCATED');
    });
    test('Ogg Vorbis cut to 60% (its last page lost)', async () => {
      run('ffmpeg', ['-v', 'error', '-y', '-i', file('song.wav'), '-c:a', 'libvorbis', file('song.ogg')]);
      cut('song.ogg', 'cut.ogg', 0.6);
      await refuses('cut.ogg', 'TRUNCATED');
    });
    test('Ogg Vorbis of 30 s (no length in its metadata) with its middle pages lost -> TRUNCATED', async () => {
      run('sox', ['-n', '-r', '44100', '-c', '2', file('long.wav'), 'synth', '30', 'sine', '440', 'sine', '660']);
      run('ffmpeg', ['-v', 'error', '-y', '-i', file('long.wav'), '-c:a', 'libvorbis', file('long.ogg')]);
      assert.equal((await readContainerFacts(file('long.ogg'))).durationSeconds, undefined, 'music-metadata declares no length');
      assert.equal((await loadAudio(file('long.ogg'), { sampleRate: 24000 })).samples.length, 24000 * 30);
      // Whole pages out, so the file still ends with its end-of-stream page.
      const pages = oggPages(readFileSync(file('long.ogg')));
      const keep = [...pages.slice(0, Math.round(pages.length * 0.2)), ...pages.slice(Math.round(pages.length * 0.8))];
      writeFileSync(file('middle-lost.ogg'), Buffer.concat(keep));
      const error = await refuses('middle-lost.ogg', 'TRUNCATED');
      assert.match(error.message, /of the 30\.00 s its header declares$/);
    });
  });

  test('compressed WAV (IMA ADPCM) decodes through ffmpeg', { skip: needTools }, async () => {
    run('sox', ['-n', '-r', '22050', '-c', '1', '-e', 'ima-adpcm', file('adpcm.wav'), 'synth', '1', 'sine', '440']);
    const loaded = await loadAudio(file('adpcm.wav'), { sampleRate: 24000 });
    assert.match(loaded.info.decoder, /^ffmpeg/);
    assert.ok(Math.abs(loaded.samples.length - 24000) < 1200);
  });

  test('without ffmpeg on PATH: m4a -> NO_DECODER naming ffmpeg; random bytes and ADPCM WAV -> UNSUPPORTED_FORMAT', { skip: needTools }, async () => {
    run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', file('song.m4a')]);
    // Workers copy the environment when they start: restart them with an empty PATH.
    await disposeAudioWorkers();
    const saved = process.env.PATH;
    process.env.PATH = '';
    try {
      const error = await refuses('song.m4a', 'NO_DECODER');
      assert.match(error.message, /needs ffmpeg, which is not on PATH: install ffmpeg/);
      const random = await refuses('random.wav', 'UNSUPPORTED_FORMAT');
      assert.match(random.message, /match no audio container \(.*\), and there is no ffmpeg on PATH to try/);
      await refuses('adpcm.wav', 'UNSUPPORTED_FORMAT');
    } finally {
      process.env.PATH = saved;
      await disposeAudioWorkers();
    }
  });

  test('unreadable file -> PERMISSION', async (t) => {
    writeFileSync(file('locked.wav'), wavFile({ channels: 1, sampleRate: 8000, bitsPerSample: 16 }, pcm16(tone(440, 8000, 1))));
    chmodSync(file('locked.wav'), 0o000);
    if (process.getuid?.() !== 0) {
      await refuses('locked.wav', 'PERMISSION');
      return;
    }
    // root reads anything: run the check as user "nobody" (uid 65534) in a child process instead.
    const script = `require(${JSON.stringify(path.resolve(__dirname, '../../src/core/audio/index.ts'))})
      .loadAudio(process.argv[1], { sampleRate: 24000 })
      .then(() => console.log('{}'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })))`;
    chmodSync(dir, 0o755);
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, file('locked.wav')], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: path.resolve(__dirname, '../..') });
    if (child.status !== 0) {
      t.skip(`running as root and user "nobody" cannot run the sources here: ${child.stderr.split('\n')[0]}`);
      return;
    }
    const result = JSON.parse(child.stdout) as { code?: string; message?: string };
    assert.equal(result.code, 'PERMISSION');
    assert.ok(result.message?.startsWith(`${file('locked.wav')}: `), result.message);
  });

  test('cancelled through an AbortSignal -> CANCELLED, and the pool keeps working', async () => {
    writeFileSync(file('minute.wav'), wavFile({ channels: 2, sampleRate: 44100, bitsPerSample: 16 }, pcm16(tone(440, 44100, 60, 2))));
    await refuses('minute.wav', 'CANCELLED', { signal: AbortSignal.abort() });
    const controller = new AbortController();
    const pending = refuses('minute.wav', 'CANCELLED', { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await pending;
    const loaded = await loadAudio(file('minute.wav'), { sampleRate: 24000 });
    assert.equal(loaded.samples.length, 24000 * 60);
  });
});
