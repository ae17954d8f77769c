#!/usr/bin/env node
// Runs the extension's mocha suites inside a real VS Code extension host
// (code-server + headless Chromium). Usage:
//   node test/host/run.mjs [test|screenshots|bench] [--keep]
// test: the main suite, a reload of the page and the reload suite, then a second
// session on an untrusted workspace. screenshots: writes docs/images/.
// bench: prints the host-side benchmark figures as JSON.
// The suites reach the browser side (webview DOM, screenshots) through request
// files in $HEAR_HOST_IPC that this script answers (see suite/harness.ts).
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveRequests, startSession, root } from './code-server.mjs';
import { makeWorkspace } from './workspace.mjs';

const mode = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'test';
const keep = process.argv.includes('--keep');
if (!['test', 'screenshots', 'bench'].includes(mode)) {
  console.error(`unknown mode ${mode}: use test, screenshots or bench`);
  process.exit(2);
}
if (!existsSync(join(root, 'out/test/host/index.js')) || !existsSync(join(process.env.HEAR_HOST_EXTENSION ?? root, 'dist/extension.js'))) {
  console.error('build first: npm run build');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'hear-host-'));
const results = {};

/**
 * One code-server session and browser page, through `steps`: each loads the workbench
 * again (a window reload from the second on) and runs one mocha suite.
 */
async function session(name, { trusted = true, settings = {}, steps, timeoutMs = 150_000 }) {
  const scratch = join(work, name);
  const ws = join(scratch, 'workspace');
  const ipc = join(scratch, 'ipc');
  mkdirSync(ipc, { recursive: true });
  const wsSettings = typeof settings === 'function' ? settings(ws) : settings;
  makeWorkspace(ws, { settings: wsSettings });
  console.log(`\n== ${name}: ${trusted ? 'trusted' : 'untrusted'} workspace ${ws}`);
  const s = await startSession({
    scratch,
    workspace: ws,
    trusted,
    env: { HEAR_HOST_IPC: ipc },
    // HEAR_HOST_EXTENSION: test an unpacked VSIX (its extension/ folder) instead of the sources' build.
    ...(process.env.HEAR_HOST_EXTENSION ? { extensionPath: process.env.HEAR_HOST_EXTENSION } : {}),
    log: join(scratch, 'code-server.log'),
  });
  const stopServing = serveRequests(ipc, s.page, results);
  let failed = false;
  try {
    for (const step of steps) {
      const started = Date.now();
      const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
      writeFileSync(join(ipc, 'suite'), step.suite);
      const code = await s.run(timeoutMs);
      console.log(`== ${name}/${step.suite}: exit ${code} in ${seconds()} s`);
      if (code !== 0) {
        failed = true;
        break;
      }
    }
  } catch (err) {
    console.error(`== ${name}: ${err.message} (server log: ${join(scratch, 'code-server.log')})`);
    failed = true;
  } finally {
    await stopServing();
    await s.close();
  }
  return failed ? 1 : 0;
}

let code = 0;
try {
  if (mode === 'test') {
    code ||= await session('trusted', { steps: [{ suite: 'main' }, { suite: 'reload' }] });
    code ||= await session('untrusted', {
      trusted: false,
      settings: (ws) => ({ 'hear.model': join(ws, 'models/tiny-hear') }),
      steps: [{ suite: 'untrusted' }],
    });
  } else if (mode === 'screenshots') {
    code = await session('screenshots', { steps: [{ suite: 'screenshots' }] });
  } else {
    code = await session('bench', { steps: [{ suite: 'bench' }], timeoutMs: 300_000 });
    console.log(JSON.stringify(results, null, 2));
  }
} finally {
  if (keep || code !== 0) console.log(`scratch kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(code);
