// Starts code-server (a real VS Code 1.100 server with a Node extension host) and
// drives its workbench in headless Chromium, the way @vscode/test-web drives a
// browser workbench: the extension under test and its mocha runner travel in the
// URL payload, and the workbench calls window.codeAutomationExit(code) when the
// runner finishes.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const codeServer = join(root, '.vscode-test/code-server/node_modules/.bin/code-server');
const chromiumPath = process.env.HEAR_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, server, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms`);
}

/**
 * One host session: a code-server process with its own user data, and a browser
 * page on the workbench. `trusted: false` keeps Workspace Trust on, so the folder
 * opens in Restricted Mode.
 */
export async function startSession({
  scratch,
  workspace,
  env,
  trusted = true,
  userSettings = {},
  log,
  extensionPath = root,
  testsPath = join(root, 'out/test/host/index.js'),
  userData = join(scratch, 'user-data'),
}) {
  if (!existsSync(codeServer)) {
    throw new Error(`code-server is not installed: run test/host/install.sh (expected ${codeServer})`);
  }
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    ...userSettings,
  }, null, 2));
  for (const d of ['tmp', 'config', 'data', 'extensions']) mkdirSync(join(scratch, d), { recursive: true });

  const port = await freePort();
  const args = [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', '--user-data-dir', userData,
    '--extensions-dir', join(scratch, 'extensions'),
  ];
  if (trusted) args.push('--disable-workspace-trust');
  const out = openSync(log, 'a');
  // setsid: code-server forks a file watcher that outlives a plain kill; a group kill ends all.
  const server = spawn('setsid', [codeServer, ...args], {
    cwd: root,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      ...env,
      TMPDIR: join(scratch, 'tmp'),
      XDG_CONFIG_HOME: join(scratch, 'config'),
      XDG_DATA_HOME: join(scratch, 'data'),
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  let browser;
  try {
    await waitForHttp(`${base}/healthz`, server, 60_000);
    // Playwright gives every launch a fresh profile (the --user-data-dir machine.md asks for).
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  } catch (err) {
    stop();
    throw err;
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // code-server registers its own (PWA) service worker at the root scope of the origin its
  // webviews share; it then controls new webview frames, whose content waits for VS Code's
  // webview service worker (the browser console says "Found unexpected service worker
  // controller"), sometimes for 30 s and more. The tests need no offline app: refuse it.
  await page.context().route('**/_static/out/browser/serviceWorker.js', (route) => route.fulfill({ status: 404, body: '' }));
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsPath)],
  ]);
  const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;

  let onExit;
  await page.exposeFunction('codeAutomationExit', (code) => onExit?.(code));
  page.on('console', (msg) => {
    const text = msg.text();
    // The extension host forwards its console to the page; keep the test runner's lines.
    if (text.includes('[hear-host]')) console.log(text.replace(/^.*\[hear-host\] ?/, '  '));
    else if (process.env.HEAR_HOST_CONSOLE) console.log(`  [browser ${msg.type()}] ${text.slice(0, 500)}`);
  });

  return {
    page,
    /** Loads (or reloads) the workbench with the test runner and resolves with its exit code. */
    async run(timeoutMs) {
      const exited = new Promise((resolve) => (onExit = resolve));
      await page.goto(url);
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the test run did not finish within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await browser.close().catch(() => undefined);
      stop();
    },
  };
}

/**
 * Answers the suite's requests (test/host/suite/harness.ts) from the browser side until
 * the returned function is called: webview DOM queries, screenshots, benchmark results.
 */
export function serveRequests(ipc, page, results = {}) {
  let stopped = false;
  const handle = async (req) => {
    switch (req.type) {
      case 'webview': {
        // Webviews are nested iframes; find the one that holds the root element.
        for (const frame of page.frames()) {
          const el = await frame.$(req.root).catch(() => null);
          if (!el) continue;
          if (req.click) await frame.click(req.click);
          const found = {};
          for (const [name, selector] of Object.entries(req.queries ?? {})) {
            found[name] = await frame.$$eval(selector, (els) => ({
              count: els.length,
              texts: els.slice(0, 20).map((e) => (e.textContent ?? '').trim()),
            }));
          }
          if (req.evaluate) found.evaluate = await frame.evaluate(req.evaluate);
          return { found: true, results: found };
        }
        return { found: false, results: {} };
      }
      case 'frames':
        // What each frame holds, for a test's error message when a webview cannot be found.
        return Promise.all(page.frames().map(async (f) => `${f.url().slice(0, 120)} main#${await f.$eval('main', (m) => m.id).catch(() => '-')}`));
      case 'screenshot': {
        const dir = join(root, 'docs/images');
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `${req.name}.png`);
        await page.screenshot({ path: file });
        return { file };
      }
      case 'result':
        results[req.name] = req.data;
        return {};
      default:
        throw new Error(`unknown request ${req.type}`);
    }
  };
  const loop = async () => {
    while (!stopped) {
      for (const f of readdirSync(ipc).filter((n) => /^req-.*\.json$/.test(n)).sort()) {
        const id = f.slice(4, -5);
        const path = join(ipc, f);
        let res;
        try {
          res = { ok: true, value: await handle(JSON.parse(readFileSync(path, 'utf8'))) };
        } catch (err) {
          res = { ok: false, error: String(err?.message ?? err) };
        }
        rmSync(path, { force: true });
        writeFileSync(join(ipc, `res-${id}.tmp`), JSON.stringify(res));
        renameSync(join(ipc, `res-${id}.tmp`), join(ipc, `res-${id}.json`));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const done = loop();
  return async () => {
    stopped = true;
    await done;
  };
}
