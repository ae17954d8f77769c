// The one module that imports onnxruntime-node. It is required on first use, so loading the
// engine (and activating the extension) does not pay for the native library.
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { basename } from 'node:path';
import { HearError } from '../errors';
import type { ExecutionProvider, ProviderChoice, ProviderReport } from '../types';
import { missingGpuReason, providerCandidates } from './providers';

type Ort = typeof import('onnxruntime-node');
let ort: Ort | undefined;

function loadOrt(): Ort {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!ort) {
    ort = require('onnxruntime-node') as Ort;
    // Failed provider probes log at error level from native code; they are reported through
    // ProviderReport instead, and every real failure is thrown as an exception anyway.
    ort.env.logLevel = 'fatal';
  }
  return ort;
}

/** A tensor as plain data, so it can cross a worker boundary. */
export interface TensorData<T extends Float32Array | BigInt64Array = Float32Array | BigInt64Array> {
  data: T;
  dims: number[];
}

/**
 * How a graph is used, which decides its memory settings. A source runs once per window or once
 * over the whole track: its large, one-off buffers go back to the system after each run (no
 * arena; measured: no slower). The head runs once per segment on small inputs, where the arena
 * pays (measured on a 3-minute song, before the head's attention was fused: 3x slower without it).
 */
export type GraphRole = 'source' | 'head';

/** What the pipeline needs from a runtime: run one graph file on named inputs. */
export interface GraphRunner {
  run(file: string, role: GraphRole, feeds: Record<string, TensorData>, outputs: readonly string[]): Promise<Record<string, TensorData<Float32Array>>>;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}

/**
 * ONNX Runtime sessions for one provider choice and thread count: created lazily, memoised per
 * (file, provider, threads), a failed creation evicted so a later call retries, all released by
 * dispose(). The first session resolves the provider: `auto` tries the platform's GPU providers,
 * then cpu, recording why each one that failed did; later sessions use the provider that worked.
 */
export class SessionPool implements GraphRunner {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();
  private provider: ExecutionProvider | undefined;
  private probing: Promise<InferenceSession> | undefined;
  private report: ProviderReport | undefined;

  constructor(private readonly choice: ProviderChoice, private readonly threads: number) {}

  providerReport(): ProviderReport | undefined {
    return this.report;
  }

  session(file: string, role: GraphRole): Promise<InferenceSession> {
    const key = `${file}\0${role}\0${this.choice}\0${this.threads}`;
    let pending = this.sessions.get(key);
    if (!pending) {
      pending = this.create(file, role);
      this.sessions.set(key, pending);
      pending.catch(() => this.sessions.delete(key));
    }
    return pending;
  }

  async run(file: string, role: GraphRole, feeds: Record<string, TensorData>, outputs: readonly string[]): Promise<Record<string, TensorData<Float32Array>>> {
    const session = await this.session(file, role);
    const expected = Object.keys(feeds).sort();
    const actual = [...session.inputNames].sort();
    if (expected.join() !== actual.join()) {
      throw new HearError('BAD_BUNDLE', `graph ${basename(file)} takes inputs [${actual.join(', ')}], expected [${expected.join(', ')}]`, file);
    }
    const { Tensor: OrtTensor } = loadOrt();
    const tensors: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      tensors[name] = new OrtTensor(t.data instanceof Float32Array ? 'float32' : 'int64', t.data, t.dims);
    }
    let result: InferenceSession.OnnxValueMapType;
    try {
      result = await session.run(tensors);
    } catch (err) {
      throw new HearError('INFERENCE', `graph ${basename(file)} failed: ${message(err)}`, undefined, { cause: err });
    }
    const out: Record<string, TensorData<Float32Array>> = {};
    for (const name of outputs) {
      const t = result[name] as Tensor | undefined;
      if (!t || t.type !== 'float32') throw new HearError('BAD_BUNDLE', `graph ${basename(file)} has no float32 output '${name}'`, file);
      out[name] = { data: t.data as Float32Array, dims: [...t.dims] };
    }
    return out;
  }

  async dispose(): Promise<void> {
    const pending = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(pending.map((p) => p.then((s) => s.release(), () => undefined)));
  }

  private async create(file: string, role: GraphRole): Promise<InferenceSession> {
    while (this.probing) await this.probing.catch(() => undefined);
    if (this.provider) return this.open(file, role, this.provider);
    this.probing = this.probe(file, role);
    try {
      return await this.probing;
    } finally {
      this.probing = undefined;
    }
  }

  private async probe(file: string, role: GraphRole): Promise<InferenceSession> {
    const attempts: ProviderReport['attempts'] = [];
    let lastError: unknown;
    for (const provider of providerCandidates(this.choice)) {
      const missing = this.choice === 'auto' ? missingGpuReason(provider) : undefined;
      if (missing) {
        attempts.push({ provider, ok: false, error: missing });
        continue;
      }
      try {
        const session = await this.open(file, role, provider);
        attempts.push({ provider, ok: true });
        this.provider = provider;
        this.report = { requested: this.choice, active: provider, attempts };
        return session;
      } catch (err) {
        attempts.push({ provider, ok: false, error: message(err) });
        lastError = err;
      }
    }
    const last = attempts[attempts.length - 1]!;
    if (last.provider !== 'cpu') {
      throw new HearError(
        'PROVIDER',
        `execution provider '${last.provider}' is not available here (${last.error}); it was asked for explicitly, so there is no fallback: use --ep auto or --ep cpu`,
        undefined,
        { cause: lastError },
      );
    }
    const tried = attempts.length > 1 ? ` (also tried: ${attempts.slice(0, -1).map((a) => `${a.provider}: ${a.error}`).join('; ')})` : '';
    throw new HearError('BAD_BUNDLE', `ONNX Runtime cannot load graph ${basename(file)}: ${last.error}${tried}`, file, { cause: lastError });
  }

  private open(file: string, role: GraphRole, provider: ExecutionProvider): Promise<InferenceSession> {
    return loadOrt().InferenceSession.create(file, {
      executionProviders: [provider],
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // 3 = errors only; provider probing failures are reported through ProviderReport instead.
      logSeverityLevel: 3,
      enableCpuMemArena: role === 'head',
      // Memory patterns pre-plan buffers for the last input shape; every song has a new length.
      enableMemPattern: false,
    });
  }
}
