export { InferencePool, type RunOptions } from './pool';
export { EXECUTION_PROVIDERS, PROVIDER_CHOICES, parseProviderChoice, providerCandidates } from './providers';
export type { GraphRole, GraphRunner, TensorData } from './sessions';
