// Public surface of the engine for the CLI and the extension.
export { Engine, findAudioFiles, modelInfo, scoreFiles, type EngineOptions, type ModelFileInfo, type ModelInfo } from './engine';
export { DEFAULT_MODEL_ID, defaultModelInstalled, listBundles, loadBundle, searchRoots, type Bundle, type BundleEntry } from './bundle';
export { asHearError, HearError, type HearErrorCode } from './errors';
export type { Log, LogLevel } from './log';
export { EXECUTION_PROVIDERS, PROVIDER_CHOICES, parseProviderChoice } from './runtime';
export * from './types';
// Checkpoint review: comparisons, evaluation against labels, exports (hear compare / eval / export and the extension).
export { compareScores, isWorse, type ChangedSong, type CompareOptions, type Comparison, type ComparisonRow, type Verdict } from './compare/compare';
export { compareScoresInWorker, disposeCompareWorker } from './compare/in-worker';
export { commonFolder, pairSongs } from './compare/pairing';
export { comparisonCells, comparisonMarkdown, pairingLine } from './exports/comparison';
export { comparisonReportHtml, folderReportHtml, songReportHtml } from './exports/html-report';
export { audacityLabels } from './exports/audacity';
export { reaperRegions } from './exports/reaper';
export { fileStem, matchPredictions, readLabels, readPredictions, type LabelSet, type PredictionSet, type ScoredSong } from './labels';
export { evaluate, METRIC_NAMES, round3, type Evaluation, type MetricName, type MetricsTable } from './metrics';
export { labelScores } from './song-values';
export { HashCache, resolveBundleDir } from './bundle';
