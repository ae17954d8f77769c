// What a review panel's page shows, kept on the extension side: the page drops messages
// while it loads, so the latest one waits until the page says it is ready, and is sent
// again whenever the page reloads (a hidden panel, a restored window).
import type * as vscode from 'vscode';

export class PagePost<T> {
  private ready = false;

  constructor(private readonly webview: vscode.Webview, private latest: T, private readonly open: () => boolean) {}

  /** The message the page shows, or will show once it is ready. */
  get shown(): T {
    return this.latest;
  }

  /** The page's HTML is being replaced: hold messages until it is ready, starting with `first`. */
  reload(first: T = this.latest): void {
    this.ready = false;
    this.latest = first;
  }

  async show(m: T): Promise<void> {
    this.latest = m;
    if (this.ready && this.open()) await this.webview.postMessage(m);
  }

  async pageReady(): Promise<void> {
    this.ready = true;
    await this.show(this.latest);
  }
}

/** A message from a page, checked by `parse`; a malformed one is logged and dropped. */
export function pageMessage<M>(raw: unknown, parse: (raw: unknown) => M | undefined, log: vscode.LogOutputChannel, panel: string): M | undefined {
  const m = parse(raw);
  if (!m) log.warn(`${panel}: ignored a malformed message from the webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
  return m;
}
