// The extensionTestsPath entry: runs one mocha suite inside the extension host.
// Which suite comes from $HEAR_HOST_IPC/suite (written by test/host/run.mjs before
// each page load, so a window reload can run the next one), else $HEAR_HOST_SUITE,
// else "main" (the desktop VS Code path through @vscode/test-electron).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/** Suite name -> compiled test files (out/test/host/suite/<file>.test.js). */
const SUITES: Record<string, string[]> = {
  main: ['activation', 'scoring', 'report', 'review', 'watch'],
  reload: ['reload'],
  untrusted: ['untrusted'],
  screenshots: ['screenshots'],
  bench: ['bench'],
};

function suiteName(): string {
  const ipc = process.env.HEAR_HOST_IPC;
  if (ipc && existsSync(join(ipc, 'suite'))) return readFileSync(join(ipc, 'suite'), 'utf8').trim();
  return process.env.HEAR_HOST_SUITE ?? 'main';
}

export async function run(): Promise<void> {
  const name = suiteName();
  const files = SUITES[name];
  if (!files) throw new Error(`unknown host suite ${name}; known: ${Object.keys(SUITES).join(', ')}`);
  // The workbench forwards the host's console to the page; the harness keeps lines with this tag.
  const log = console.log.bind(console);
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => log(`[hear-host] ${format(...args)}`);
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const f of files) mocha.addFile(join(__dirname, 'suite', `${f}.test.js`));
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} host test(s) failed in suite ${name}`)) : resolve()));
  });
}
