#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron launches
// (vscodeExecutablePath), where desktop VS Code cannot be downloaded: takes VS Code's
// test arguments, runs the same test runner in code-server + headless Chromium, and
// exits with the runner's code. Used by `node test/host/electron.mjs --code-server`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveRequests, startSession } from './code-server.mjs';

const args = process.argv.slice(2);
const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const workspace = args.find((a) => !a.startsWith('--'));
const extensionPath = value('extensionDevelopmentPath');
const testsPath = value('extensionTestsPath');
if (!workspace || !extensionPath || !testsPath) {
  console.error('usage: code-server-shim.mjs WORKSPACE --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [--user-data-dir=DIR]');
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'hear-shim-'));
const ipc = join(scratch, 'ipc');
mkdirSync(ipc);
const session = await startSession({
  scratch,
  workspace,
  trusted: args.includes('--disable-workspace-trust'),
  env: { HEAR_HOST_IPC: ipc },
  log: join(scratch, 'code-server.log'),
  extensionPath,
  testsPath: testsPath.endsWith('.js') ? testsPath : join(testsPath, 'index.js'),
  userData: value('user-data-dir') ?? join(scratch, 'user-data'),
});
const stop = serveRequests(ipc, session.page);
let code = 1;
try {
  code = await session.run(150_000);
} catch (err) {
  console.error(err.message);
} finally {
  await stop();
  await session.close();
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
