// The WASM decoders (mpg123, libFLAC, libvorbis) behind one interface: decode the next block of the file
// and hand what it holds to a callback, as planar channels valid only during the call. The packages are
// ESM-only: dynamic import.
//
// Each decoder hands over views of its WASM heap (a fixed-size memory, so views stay valid) rather than
// the package's decode() result: those copy each mpg123 read, FLAC frame or Vorbis packet into fresh
// Float32Arrays, then concatenate them per call, twice the song's decoded PCM in all (420 MB for 10
// minutes of 44.1 kHz stereo). V8 frees them only at its next scavenge, 35-40 MB of them piled up in
// between, and glibc kept those pages in the audio worker's malloc arena while the song was scored.
// None of the packages can write its output in place, so this drives their internals the way their
// decode() does (mpg123-decoder 1.0.3, @wasm-audio-decoders/flac 0.2.11, @wasm-audio-decoders/ogg-vorbis
// 0.1.20: package.json pins them exactly, and the decode tests fail if a release renames them).

export type NativeCodec = 'mp3' | 'flac' | 'ogg/vorbis';

/** Planar channels, `frames` samples each (views valid only during the call), to be scaled by `gain`. */
export type PcmSink = (channels: Float32Array[], frames: number, sampleRate: number, gain: number) => void;

export interface BlockDecoder {
  /** Decode the next block of the file into `sink`; returns the decoder's error messages. */
  decode(data: Uint8Array, sink: PcmSink): Promise<string[]>;
  /** Decode what the decoder still holds at the end of the file. */
  flush(sink: PcmSink): Promise<string[]>;
  free(): void;
}

/** An array the packages allocate in the WASM heap: its address and a view of it. */
interface HeapArray<T> {
  ptr: number;
  len: number;
  buf: T;
}

/** What mpg123-decoder's MPEGDecoder.decode() uses. */
interface MpegInternals {
  _common: {
    wasm: {
      mpeg_decoder_feed(decoder: number, input: number, length: number): number;
      mpeg_decoder_read(decoder: number, output: number, length: number, decoded: number, rate: number, error: number): number;
    };
  };
  _decoder: number;
  _input: HeapArray<Uint8Array>;
  _output: HeapArray<Float32Array>;
  _samplesDecodedPtr: HeapArray<Uint32Array>;
  _sampleRatePtr: HeapArray<Uint32Array>;
  _errorStringPtr: HeapArray<Uint32Array>;
  _getErrorMessage(status: number): string;
}

/** What @wasm-audio-decoders/flac's frame decoder (FLACDecoder._decoder) uses in decodeFrames(). */
interface FlacInternals {
  _common: {
    wasm: {
      HEAP: ArrayBuffer;
      malloc(bytes: number): number;
      free(ptr: number): void;
      decode_frame(decoder: number, input: number, length: number): number;
    };
    codeToString(ptr: number): string;
  };
  _decoder: number;
  _channels: HeapArray<Uint32Array>;
  _sampleRate: HeapArray<Uint32Array>;
  _bitsPerSample: HeapArray<Uint32Array>;
  _samplesDecoded: HeapArray<Uint32Array>;
  _outputBufferPtr: HeapArray<Uint32Array>;
  _errorStringPtr: HeapArray<Uint32Array>;
  _stateStringPtr: HeapArray<Uint32Array>;
  _MAX_INPUT_SIZE: number;
  decodeFrames(frames: Uint8Array[]): unknown;
}

/** mpg123's MPG123_NEED_MORE and MPG123_NEW_FORMAT. */
const NEED_MORE = -10;
const NEW_FORMAT = -11;

async function mp3Decoder(): Promise<BlockDecoder> {
  const { MPEGDecoder } = await import('mpg123-decoder');
  const decoder = new MPEGDecoder({ enableGapless: true }); // trims the encoder delay and padding (LAME header)
  await decoder.ready;
  const m = decoder as unknown as MpegInternals;
  const { _input: input, _output: output, _samplesDecodedPtr: decoded, _sampleRatePtr: rate } = m;
  const { wasm } = m._common;
  return {
    async decode(data, sink) {
      const errors: string[] = [];
      for (let at = 0; at < data.length; at += input.len) {
        const chunk = data.subarray(at, at + input.len);
        input.buf.set(chunk);
        let status = wasm.mpeg_decoder_feed(m._decoder, input.ptr, chunk.length);
        while (status !== NEED_MORE) {
          decoded.buf[0] = 0;
          status = wasm.mpeg_decoder_read(m._decoder, output.ptr, output.len, decoded.ptr, rate.ptr, m._errorStringPtr.ptr);
          const n = decoded.buf[0];
          // Always two channels, one after the other (mono is duplicated).
          if (n > 0) sink([output.buf.subarray(0, n), output.buf.subarray(n, 2 * n)], n, rate.buf[0], 1);
          if (status !== 0 && status !== NEED_MORE && status !== NEW_FORMAT) errors.push(m._getErrorMessage(status));
        }
      }
      return errors;
    },
    flush: async () => [],
    free: () => decoder.free(),
  };
}

/** What FLAC and Vorbis decoding redirect: a package decoder whose decode() and flush() parse the stream. */
interface PackageDecoder {
  decode(data: Uint8Array): Promise<unknown>;
  flush(): Promise<unknown>;
  free(): void;
}

/**
 * A package decoder, run as a BlockDecoder whose output goes to each call's sink. `install` replaces the
 * package's decoding step with one that writes to `call()`: the sink and error list of the decode() or
 * flush() under way (the package calls that step from inside them).
 */
function redirected(decoder: PackageDecoder, install: (call: () => { sink: PcmSink; errors: string[] }) => void): BlockDecoder {
  let current = { sink: (() => undefined) as PcmSink, errors: [] as string[] };
  install(() => current);
  const run = async (sink: PcmSink, decode: () => Promise<unknown>) => {
    current = { sink, errors: [] };
    await decode();
    return current.errors;
  };
  return {
    decode: (data, sink) => run(sink, () => decoder.decode(data)),
    flush: (sink) => run(sink, () => decoder.flush()),
    free: () => decoder.free(),
  };
}

/** One FLAC frame (from the package's parser) through libFLAC, as the package's decodeFrames() does. */
function decodeFlacFrame(f: FlacInternals, frame: Uint8Array, sink: PcmSink, errors: string[]): void {
  for (let at = 0; at < frame.length; at += f._MAX_INPUT_SIZE) {
    const chunk = frame.subarray(at, at + f._MAX_INPUT_SIZE);
    const { wasm, codeToString } = f._common;
    const input = wasm.malloc(chunk.length); // libFLAC frees it once read
    new Uint8Array(wasm.HEAP, input, chunk.length).set(chunk);
    wasm.decode_frame(f._decoder, input, chunk.length);
    const message = [];
    if (f._errorStringPtr.buf[0]) message.push(`Error: ${codeToString(f._errorStringPtr.buf[0])}`);
    if (f._stateStringPtr.buf[0]) message.push(`State: ${codeToString(f._stateStringPtr.buf[0])}`);
    if (message.length > 0) errors.push(message.join('; '));
    const n = f._samplesDecoded.buf[0];
    const out = f._outputBufferPtr.buf[0];
    if (n > 0) {
      const planar = new Float32Array(wasm.HEAP, out, f._channels.buf[0] * n);
      const channels = Array.from({ length: f._channels.buf[0] }, (_, c) => planar.subarray(c * n, (c + 1) * n));
      // libFLAC's wrapper scales integers by 1 / (2^(bits-1) - 1); WAV readers, sox and ffmpeg use
      // 1 / 2^(bits-1). Rescale so a FLAC and the WAV it came from give identical samples.
      const bits = f._bitsPerSample.buf[0];
      sink(channels, n, f._sampleRate.buf[0], bits ? (2 ** (bits - 1) - 1) / 2 ** (bits - 1) : 1);
    }
    wasm.free(out);
    f._samplesDecoded.buf[0] = 0;
  }
}

async function flacDecoder(): Promise<BlockDecoder> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const decoder = new FLACDecoder();
  await decoder.ready;
  // The package still parses the frames; its frame decoder is replaced by one that decodes in place.
  const frames = (decoder as unknown as { _decoder: FlacInternals })._decoder;
  return redirected(decoder, (call) => {
    frames.decodeFrames = (data) => {
      for (const frame of data) decodeFlacFrame(frames, frame, call().sink, call().errors);
      return { channelData: [], samplesDecoded: 0, errors: [] };
    };
  });
}

/** What @wasm-audio-decoders/ogg-vorbis's OggVorbisDecoder uses in decodeOggPages(). */
interface VorbisInternals {
  _vorbisSetupInProgress: boolean;
  _totalSamplesDecoded: number;
  _decoder: {
    _common: {
      wasm: { HEAP: ArrayBuffer; decode_packets(decoder: number): void };
      codeToString(ptr: number): string;
    };
    _decoder: number;
    _input: HeapArray<Uint8Array>;
    _inputLen: HeapArray<Uint32Array>;
    _outputBufferPtr: HeapArray<Uint32Array>;
    _channels: HeapArray<Uint32Array>;
    _sampleRate: HeapArray<Uint32Array>;
    _samplesDecoded: HeapArray<Uint32Array>;
    _errors: HeapArray<Uint32Array>;
    _errorsLength: HeapArray<Int32Array>;
    sendSetupHeader(data: Uint8Array): void;
    initDsp(): void;
  };
  decodeOggPages(pages: OggPage[]): Promise<unknown>;
}

/** An Ogg page from the package's parser (codec-parser), with its Vorbis packets. */
interface OggPage {
  data: Uint8Array;
  codecFrames: { data: Uint8Array; header: { vorbisSetup: Uint8Array } }[];
  isLastPage: boolean;
  /** Samples in the stream up to the end of this page (its granule position, on the last page). */
  totalSamples: number;
}

/**
 * The package's decodeOggPages(), each packet handed to `sink` as views of the heap instead of being
 * copied and the copies concatenated. The package trims the samples of the call that ends the stream
 * beyond its last page's granule position; knowing that page before decoding, this stops handing samples
 * over at the same point.
 */
function decodeVorbisPages(v: VorbisInternals, pages: OggPage[], sink: PcmSink, errors: string[]): void {
  const d = v._decoder;
  const packets: Uint8Array[] = [];
  for (const page of pages) {
    if (v._vorbisSetupInProgress) {
      if (page.data[0] === 1) d.sendSetupHeader(page.data);
      if (page.codecFrames.length) {
        // the comment header is skipped, as the package does
        d.sendSetupHeader(page.codecFrames[0].header.vorbisSetup);
        d.initDsp();
        v._vorbisSetupInProgress = false;
      }
    }
    for (const frame of page.codecFrames) packets.push(frame.data);
  }
  const last = pages.at(-1);
  let allowed = last?.isLastPage ? Math.max(0, last.totalSamples - v._totalSamplesDecoded) : Infinity;
  let decoded = 0;
  const { wasm, codeToString } = d._common;
  for (const packet of packets) {
    d._input.buf.set(packet);
    d._inputLen.buf[0] = packet.length;
    wasm.decode_packets(d._decoder);
    const n = d._samplesDecoded.buf[0];
    decoded += n;
    const take = Math.min(n, allowed);
    if (take > 0) {
      const pointers = new Uint32Array(wasm.HEAP, d._outputBufferPtr.buf[0], d._channels.buf[0]);
      const channels = Array.from(pointers, (ptr) => new Float32Array(wasm.HEAP, ptr, take));
      sink(channels, take, d._sampleRate.buf[0], 1);
      allowed -= take;
    }
    // Each error is two strings, either of which may be empty; the package joins them as " vorbis_synthesisOV_E...",
    // which reads as garbage in a user's error message.
    for (let i = 0; i < d._errorsLength.buf[0]; i += 2) {
      const parts = [d._errors.buf[i], d._errors.buf[i + 1]].map((code) => codeToString(code).trim()).filter(Boolean);
      errors.push(`vorbis_synthesis: ${parts.join(' ').replace(/\.$/, '')}`);
    }
    d._errorsLength.buf[0] = 0;
  }
  const total = v._totalSamplesDecoded + decoded;
  v._totalSamplesDecoded = last?.isLastPage ? Math.min(total, last.totalSamples) : total;
}

async function vorbisDecoder(): Promise<BlockDecoder> {
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
  const decoder = new OggVorbisDecoder();
  await decoder.ready;
  // The package still parses the pages (and resets itself on flush); the pages are decoded in place.
  const v = decoder as unknown as VorbisInternals;
  return redirected(decoder, (call) => {
    v.decodeOggPages = async (pages) => decodeVorbisPages(v, pages, call().sink, call().errors);
  });
}

export function createDecoder(codec: NativeCodec): Promise<BlockDecoder> {
  return codec === 'mp3' ? mp3Decoder() : codec === 'flac' ? flacDecoder() : vorbisDecoder();
}
