// Which execution providers to try, per platform. Plain data: no onnxruntime import here.
import { existsSync, readdirSync } from 'node:fs';
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

/**
 * Why a GPU provider cannot work here without asking ONNX Runtime, or undefined when it may.
 * Linux only: with no GPU device node there is no adapter, and probing anyway makes the Vulkan
 * loader print warnings on stderr for every CLI run.
 */
export function missingGpuReason(provider: ExecutionProvider, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== 'linux' || provider === 'cpu') return undefined;
  const nvidia = existsSync('/dev/nvidiactl') || existsSync('/dev/nvidia0');
  if (provider === 'cuda') return nvidia ? undefined : 'no NVIDIA device (/dev/nvidia0) on this machine';
  const render = (() => {
    try {
      return readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));
    } catch {
      return false;
    }
  })();
  return nvidia || render ? undefined : 'no GPU device (/dev/dri/renderD*, /dev/nvidia0) on this machine';
}
