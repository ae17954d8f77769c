// A panel's webview page as the browser shows it, read through the harness.
import * as vscode from 'vscode';
import { frames, queryWebview, waitFor } from './harness';

/**
 * The page of a panel once it shows `rows` matches of `queries.rows`; on a time-out
 * the error says what the page showed instead (its status line, or that no frame had it).
 */
export async function panelPage(root: string, queries: Record<string, string>, rows: number): Promise<Record<string, { count: number; texts: string[] }>> {
  let last = 'no webview frame holds it';
  try {
    return await waitFor(`the ${root} page`, async () => {
      const r = await queryWebview(root, { ...queries, status: '#status' });
      if (r.found) last = `rows ${r.results.rows?.count}, status "${r.results.status?.texts.join(' ')}"`;
      return r.found && r.results.rows?.count === rows ? r.results : undefined;
    });
  } catch (err) {
    const tabs = vscode.window.tabGroups.all.map((g) => `group ${g.viewColumn}${g.isActive ? ' (active)' : ''}: ${g.tabs.map((t) => `${t.label}${t.isActive ? ' *' : ''}`).join(', ')}`);
    throw new Error(`${(err as Error).message}: ${last}; ${tabs.join('; ')}; frames: ${(await frames()).join(' | ')}`);
  }
}

