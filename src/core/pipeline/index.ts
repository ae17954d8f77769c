export { parseNpy, type FeatureMatrix } from './npy';
export { planFor, type PipelinePlan } from './plan';
export { runPipeline, type PipelineHooks, type PipelineInput, type PipelineResult } from './run';
export { scaleWindows, segmentFrames, segmentGrid, type Span } from './windows';
