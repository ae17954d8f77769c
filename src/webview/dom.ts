// What every panel's page shares: the VS Code API handle, element building, the
// theme's colours, and keeping the panel's state for the serializer.
interface VsCodeApi<Out> {
  postMessage(message: Out): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi<Out>(): VsCodeApi<Out>;

/**
 * The page's VS Code API (acquirable once per page). The state the extension put in
 * the root's data-state is saved at once, so the serializer can reopen the panel.
 */
export function connect<Out>(rootId: string): { api: VsCodeApi<Out>; root: HTMLElement } {
  const api = acquireVsCodeApi<Out>();
  const root = document.getElementById(rootId) as HTMLElement;
  api.setState(JSON.parse(root.dataset.state ?? '{}'));
  return { api, root };
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/** A theme colour (a VS Code CSS variable), with a fallback outside VS Code. */
export function css(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export const fmt = (v: number) => v.toFixed(2);

/** Calls `redraw` when VS Code switches the colour theme (it changes the body's class). */
export function onThemeChange(redraw: () => void): void {
  new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

/** A button that posts `message` when clicked. */
export function messageButton<Out>(api: VsCodeApi<Out>, label: string, message: Out, props: Partial<HTMLButtonElement> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', textContent: label, ...props });
  b.addEventListener('click', () => api.postMessage(message));
  return b;
}
