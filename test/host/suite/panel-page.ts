// A panel's webview page as the browser shows it, read through the harness.
import * as vscode from 'vscode';
import { frames, queryWebview, waitFor } from './harness';

/**
 * The page of a panel once it shows `rows` matches of `queries.rows`; on a time-out
 * the error says what the page showed instead (its status line, or that no frame had it).
 *
 * code-server serves every webview from one origin, so the webviews' service workers
 * share a scope, and a new webview's content frame now and then waits a long time for
 * its own worker to take control (the browser console: "Found unexpected service worker
 * controller"); code-server's own worker, the worst offender, is refused by the harness
 * (test/host/code-server.mjs). When no frame holds the page after 8 s, the panel is
 * hidden behind a scratch editor and shown again (up to four times), which gives it a
 * new webview (the panels do not retain their context when hidden): the page says
 * "ready" and the panel sends what it shows, as after any page load.
 */
export async function panelPage(root: string, queries: Record<string, string>, rows: number): Promise<Record<string, { count: number; texts: string[] }>> {
  let last = 'no webview frame holds it';
  let found = false;
  const probe = async () => {
    const r = await queryWebview(root, { ...queries, status: '#status' });
    if (r.found) {
      found = true;
      last = `rows ${r.results.rows?.count}, status "${r.results.status?.texts.join(' ')}"`;
    }
    return r.found && r.results.rows?.count === rows ? r.results : undefined;
  };
  const attempts = 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await waitFor(`the ${root} page`, probe, 8_000);
    } catch (err) {
      if (found || attempt === attempts) {
        const tabs = vscode.window.tabGroups.all.map((g) => `group ${g.viewColumn}${g.isActive ? ' (active)' : ''}: ${g.tabs.map((t) => `${t.label}${t.isActive ? ' *' : ''}`).join(', ')}`);
        throw new Error(`${(err as Error).message}: ${last}; ${tabs.join('; ')}; frames: ${(await frames()).join(' | ')}`);
      }
    }
    console.log(`[hear-host]       (no frame held ${root} after ${attempt * 8} s: showing the panel again)`);
    const scratch = await vscode.workspace.openTextDocument({ content: '' });
    await vscode.window.showTextDocument(scratch, { viewColumn: vscode.ViewColumn.Active, preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
