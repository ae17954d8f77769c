// Public surface of the engine for the CLI and the extension.
export { Engine, findAudioFiles, modelInfo, scoreFiles, type EngineOptions, type ModelFileInfo, type ModelInfo } from './engine';
export { DEFAULT_MODEL_ID, defaultModelInstalled, listBundles, loadBundle, searchRoots, type Bundle, type BundleEntry } from './bundle';
export { asHearError, HearError, type HearErrorCode } from './errors';
export type { Log, LogLevel } from './log';
export { EXECUTION_PROVIDERS, PROVIDER_CHOICES, parseProviderChoice } from './runtime';
export * from './types';
