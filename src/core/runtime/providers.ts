// Which execution providers to try, per platform. Plain data: no onnxruntime import here.
import { HearError } from '../errors';
import type { ExecutionProvider, ProviderChoice } from '../types';

export const EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda', 'webgpu', 'dml', 'coreml'];
export const PROVIDER_CHOICES: readonly ProviderChoice[] = ['auto', ...EXECUTION_PROVIDERS];

/** GPU providers `auto` tries before cpu, best first. */
const GPU_ORDER: Partial<Record<NodeJS.Platform, ExecutionProvider[]>> = {
  linux: ['cuda', 'webgpu'],
  win32: ['dml', 'webgpu'],
  darwin: ['coreml', 'webgpu'],
};

export function parseProviderChoice(name: string): ProviderChoice {
  const choice = PROVIDER_CHOICES.find((p) => p === name.toLowerCase());
  if (!choice) throw new HearError('PROVIDER', `unknown execution provider '${name}'; choose one of ${PROVIDER_CHOICES.join(', ')}`);
  return choice;
}

/** Providers to try in order. `auto` ends in cpu; an explicit choice is tried alone (no silent fallback). */
export function providerCandidates(choice: ProviderChoice, platform: NodeJS.Platform = process.platform): ExecutionProvider[] {
  return choice === 'auto' ? [...(GPU_ORDER[platform] ?? []), 'cpu'] : [choice];
}
