// Which execution providers to try, per platform. Plain data: no onnxruntime import here.
import { existsSync, readdirSync } from 'node:fs';
import { HearError } from '../errors';
import type { ExecutionProvider, ProviderChoice, ProviderReport } from '../types';

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

/** Which GPU device nodes this Linux machine has, read once: they do not come and go while a process runs,
 * and the pool asks for every song it queues until a worker has reported its provider. */
let deviceNodes: { nvidia: boolean; render: boolean } | undefined;

function gpuDeviceNodes(): { nvidia: boolean; render: boolean } {
  deviceNodes ??= {
    nvidia: existsSync('/dev/nvidiactl') || existsSync('/dev/nvidia0'),
    render: (() => {
      try {
        return readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));
      } catch {
        return false;
      }
    })(),
  };
  return deviceNodes;
}

/**
 * Why a GPU provider cannot work here without asking ONNX Runtime, or undefined when it may.
 * Linux only: with no GPU device node there is no adapter, and probing anyway makes the Vulkan
 * loader print warnings on stderr for every CLI run.
 */
export function missingGpuReason(provider: ExecutionProvider, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== 'linux' || provider === 'cpu') return undefined;
  const { nvidia, render } = gpuDeviceNodes();
  if (provider === 'cuda') return nvidia ? undefined : 'no NVIDIA device (/dev/nvidia0) on this machine';
  return nvidia || render ? undefined : 'no GPU device (/dev/dri/renderD*, /dev/nvidia0) on this machine';
}

/**
 * How many songs an engine runs at once for `jobs` asked. A GPU runs one song at a time: two WebGPU
 * sessions in worker threads of one process crashed it (segmentation fault, `hear score --jobs 2 --ep
 * webgpu` on an H100, 2026-11-26), and one GPU gains nothing from two songs' graphs at once; decoding still
 * runs `jobs` songs ahead. Until a worker has said which provider it got (`report`: auto may fall back
 * to cpu), a choice that may reach a GPU here counts as one. `jobs` is the pool's size, already a whole
 * number of at least 1.
 */
export function concurrentSongs(jobs: number, choice: ProviderChoice, report?: ProviderReport,
                                platform: NodeJS.Platform = process.platform): number {
  const onGpu = report
    ? report.active !== 'cpu'
    : providerCandidates(choice, platform).some((p) => p !== 'cpu' && (choice !== 'auto' || !missingGpuReason(p, platform)));
  return onGpu ? 1 : jobs;
}

