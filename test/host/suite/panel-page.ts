// A panel's webview page as the browser shows it, read through the harness.
import * as vscode from 'vscode';
import { frames, queryWebview, waitFor } from './harness';

/**
 * The page of a panel once it shows `rows` matches of `queries.rows`; on a time-out
 * the error says what the page showed instead (its status line, or that no frame had it).
 *
 * In code-server's browser workbench a new webview's inner frame now and then stays
 * blank: the webview host frame is there, its content frame never loads (the host
 * frame waits for its service worker; seen in about one run in three when several
 * panels open in a row). When no frame holds the page after a while, the panel is
 * hidden behind a scratch editor and shown again, which gives it a new webview (the
 * panels do not retain their context when hidden): the page says "ready" and the
 * panel sends what it shows, as after any page load.
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
  try {
    return await waitFor(`the ${root} page`, probe, 10_000);
  } catch {
    if (!found) {
      console.log(`[hear-host]       (no frame held ${root} after 10 s: showing the panel again)`);
      const scratch = await vscode.workspace.openTextDocument({ content: '' });
      await vscode.window.showTextDocument(scratch, { viewColumn: vscode.ViewColumn.Active, preview: false });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  try {
    return await waitFor(`the ${root} page`, probe, 20_000);
  } catch (err) {
    const tabs = vscode.window.tabGroups.all.map((g) => `group ${g.viewColumn}${g.isActive ? ' (active)' : ''}: ${g.tabs.map((t) => `${t.label}${t.isActive ? ' *' : ''}`).join(', ')}`);
    throw new Error(`${(err as Error).message}: ${last}; ${tabs.join('; ')}; frames: ${(await frames()).join(' | ')}`);
  }
}
