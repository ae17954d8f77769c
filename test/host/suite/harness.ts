// The suite's side of the harness channel: requests go as files into
// $HEAR_HOST_IPC and test/host/run.mjs answers them from the browser side
// (webview DOM, screenshots, benchmark results). Without the harness (desktop VS
// Code via @vscode/test-electron) there is no browser side: `available` is false.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ipc = process.env.HEAR_HOST_IPC;
let next = 0;

export const available = !!ipc && existsSync(ipc);

export interface WebviewQueryResult {
  found: boolean;
  results: Record<string, { count: number; texts: string[] }> & { evaluate?: unknown };
}

async function request<T>(body: object, timeoutMs = 20_000): Promise<T> {
  if (!ipc) throw new Error('no harness: HEAR_HOST_IPC is not set');
  const id = `${process.pid}-${Date.now()}-${next++}`;
  const tmp = join(ipc, `req-${id}.tmp`);
  writeFileSync(tmp, JSON.stringify(body));
  renameSync(tmp, join(ipc, `req-${id}.json`));
  const res = join(ipc, `res-${id}.json`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(res)) {
    if (Date.now() > deadline) throw new Error(`harness did not answer ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const answer = JSON.parse(readFileSync(res, 'utf8')) as { ok: boolean; value: T; error?: string };
  rmSync(res, { force: true });
  if (!answer.ok) throw new Error(`harness: ${answer.error}`);
  return answer.value;
}

/** Counts and texts of elements in the webview that contains `root`, after an optional click. */
export function queryWebview(root: string, queries: Record<string, string>, click?: string, evaluate?: string): Promise<WebviewQueryResult> {
  return request({ type: 'webview', root, queries, click, evaluate });
}

/** Each frame of the page and the id of its <main>, for diagnostics. */
export function frames(): Promise<string[]> {
  return request({ type: 'frames' });
}

export async function screenshot(name: string): Promise<void> {
  await request({ type: 'screenshot', name });
}

export async function report(name: string, data: unknown): Promise<void> {
  await request({ type: 'result', name, data });
}

/** Polls `probe` until it returns a value that is not undefined. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
