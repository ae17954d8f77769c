// Audio in: decode any supported file to mono samples at a model's rate, with its metadata.

export { loadAudio, disposeAudioWorkers, DEFAULT_MAX_DURATION_SECONDS } from './load';
export type { LoadAudioOptions, LoadedAudio } from './load';
export { resample } from './resample';

/**
 * Extensions (lower case, no dot) of files the engine decodes. Decoding goes by content, not by name;
 * this list is for finding audio files in folders. Built-in decoders: wav, wave, mp3, flac, ogg, oga
 * (Ogg Vorbis). The rest need a system ffmpeg on PATH: m4a, aac, opus, webm, mka, aiff, aif, wma
 * (and Opus or FLAC inside .ogg).
 */
export const AUDIO_EXTENSIONS: readonly string[] = ['wav', 'wave', 'mp3', 'flac', 'ogg', 'oga', 'm4a', 'aac', 'opus', 'webm', 'mka', 'aiff', 'aif', 'wma'];

/** The subset of AUDIO_EXTENSIONS that needs ffmpeg. */
export const FFMPEG_EXTENSIONS: readonly string[] = ['m4a', 'aac', 'opus', 'webm', 'mka', 'aiff', 'aif', 'wma'];
