#!/usr/bin/env node
// The host suites through @vscode/test-electron: desktop VS Code where it can be
// downloaded (`node test/host/electron.mjs`), or here, with --code-server, through
// code-server-shim.mjs as the "VS Code executable". Runs the main suite, then the
// reload suite in a new window on the same profile and workspace. (test-electron
// always disables Workspace Trust, so the untrusted suite runs through run.mjs only.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { root } from './code-server.mjs';
import { makeWorkspace } from './workspace.mjs';

const work = mkdtempSync(join(tmpdir(), 'hear-electron-'));
const workspace = join(work, 'workspace');
makeWorkspace(workspace);
const options = {
  extensionDevelopmentPath: root,
  extensionTestsPath: join(root, 'out/test/host/index.js'),
  launchArgs: [workspace, `--user-data-dir=${join(work, 'user-data')}`, '--disable-extensions'],
  ...(process.argv.includes('--code-server') ? { vscodeExecutablePath: join(root, 'test/host/code-server-shim.mjs') } : {}),
};
let code = 0;
try {
  for (const suite of ['main', 'reload']) {
    await runTests({ ...options, extensionTestsEnv: { HEAR_HOST_SUITE: suite } });
  }
} catch (err) {
  console.error(err.message ?? err);
  code = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(code);
