// PagePost: a review panel's page drops messages while it loads, so the latest one waits for
// the page's "ready" and is sent again after every reload; nothing goes to a closed panel.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { PagePost, pageMessage } from '../../src/extension/page-post';

function fakeWebview(): { webview: vscode.Webview; posted: unknown[] } {
  const posted: unknown[] = [];
  return { webview: { postMessage: async (m: unknown) => (posted.push(m), true) } as unknown as vscode.Webview, posted };
}

describe('PagePost', () => {
  it('holds messages until the page is ready, then sends only the latest', async () => {
    const { webview, posted } = fakeWebview();
    const page = new PagePost<string>(webview, 'busy', () => true);
    await page.show('first');
    await page.show('second');
    assert.deepEqual(posted, []);
    await page.pageReady();
    assert.deepEqual(posted, ['second']);
    await page.show('third');
    assert.deepEqual(posted, ['second', 'third']);
    assert.equal(page.shown, 'third');
  });

  it('holds again after a reload and starts from the message it is given', async () => {
    const { webview, posted } = fakeWebview();
    const page = new PagePost<string>(webview, 'busy', () => true);
    await page.pageReady();
    page.reload('loading again');
    await page.show('done');
    assert.deepEqual(posted, ['busy']);
    await page.pageReady();
    assert.deepEqual(posted, ['busy', 'done']);
    page.reload();
    assert.equal(page.shown, 'done', 'a reload without a message keeps the latest');
  });

  it('sends nothing to a closed panel', async () => {
    const { webview, posted } = fakeWebview();
    let open = true;
    const page = new PagePost<string>(webview, 'busy', () => open);
    await page.pageReady();
    open = false;
    await page.show('late');
    assert.deepEqual(posted, ['busy']);
    assert.equal(page.shown, 'late');
  });

  it('logs and drops a malformed message from the page', () => {
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m) } as unknown as vscode.LogOutputChannel;
    const parse = (raw: unknown) => (raw === 'ok' ? { type: 'ready' as const } : undefined);
    assert.deepEqual(pageMessage('ok', parse, log, 'model'), { type: 'ready' });
    assert.equal(pageMessage({ type: 'evil' }, parse, log, 'model'), undefined);
    assert.deepEqual(warnings, ['model: ignored a malformed message from the webview: {"type":"evil"}']);
  });
});
