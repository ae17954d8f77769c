// What the extension uses from the engine, in one module that esbuild bundles
// apart as dist/core-api.js and the extension loads on first need (see
// esbuild.mjs): the engine, onnxruntime with it, and the audio decoders stay out of
// activation.
export * from '../core/index';
export { loadAudio } from '../core/audio';
