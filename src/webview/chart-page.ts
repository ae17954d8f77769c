// A panel page that draws one view with charts, or a status line while the extension is busy or
// has failed: the comparison and evaluation pages. Charts are destroyed before every redraw, and
// the view is drawn again when the colour theme changes (the charts take their colours from it).
import type { Chart } from './charts';
import { el, onThemeChange } from './dom';

/** What drawing a view gives: the page's elements and the charts being drawn into them. */
export interface Drawn {
  parts: Node[];
  charts: Promise<Chart>[];
}

/** The extension's word that it is working on the view, or that it failed. */
export interface StatusMessage {
  type: 'busy' | 'failed';
  message: string;
}

export function chartPage<V>(root: HTMLElement, title: string, draw: (view: V) => Drawn): { show(view: V): void; status(m: StatusMessage): void } {
  let current: V | undefined;
  let charts: Chart[] = [];
  const clear = (view: V | undefined) => {
    current = view;
    charts.forEach((c) => c.destroy());
    charts = [];
  };
  const show = (view: V) => {
    clear(view);
    const drawn = draw(view);
    root.replaceChildren(...drawn.parts);
    void Promise.all(drawn.charts).then((made) => (charts = made));
  };
  const status = (m: StatusMessage) => {
    clear(undefined);
    root.replaceChildren(el('h1', { textContent: title }), el('p', { className: m.type === 'failed' ? 'message error' : 'message', id: 'status', textContent: m.message }));
  };
  onThemeChange(() => {
    if (current) show(current);
  });
  return { show, status };
}
