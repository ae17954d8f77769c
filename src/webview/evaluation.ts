// The evaluation panel's page: the official metrics table (LCC, SRCC, KTAU,
// TTA per dimension and their mean, 3 decimals as `hear eval` prints them) and
// each dimension's predictions against the true labels. Built into
// dist/webview/evaluation.js.
import { chartPage, type Drawn } from './chart-page';
import { diagonalScatter, themeColors, type Chart } from './charts';
import { connect, el, fmt } from './dom';
import type { EvaluationView, FromEvaluation, ToEvaluation } from './protocol';

const { api: vscode, root } = connect<FromEvaluation>('hear-evaluation');

function metricsTable(view: EvaluationView): HTMLElement {
  const head = el('thead', {}, el('tr', {}, ...view.header.map((h, i) => el('th', { scope: 'col', textContent: h, className: i ? 'num' : '' }))));
  const body = el('tbody', {}, ...view.rows.map((r) => {
    const tr = el('tr', { className: r.name === 'Mean' ? 'row overall' : 'row dimension' }, el('th', { scope: 'row', textContent: r.name }), ...r.cells.map((c) => el('td', { className: 'num', textContent: c })));
    tr.dataset.dimension = r.name;
    return tr;
  }));
  return el('table', { id: 'metrics' }, head, body);
}

function scatter(canvas: HTMLCanvasElement, s: EvaluationView['scatter'][number]): Promise<Chart> {
  const { blue, green } = themeColors();
  // Green: both sides put the song in the top tier.
  const points = s.points.map((p) => ({
    x: p.truth,
    y: p.predicted,
    color: p.truth >= s.threshold && p.predicted >= s.threshold ? green : blue,
    tip: `${p.name}: true ${fmt(p.truth)}, predicted ${fmt(p.predicted)}`,
  }));
  return diagonalScatter(canvas, points, { x: 'true (mean of the raters)', y: 'predicted', line: 'predicted = true', step: 0.5 });
}

function render(view: EvaluationView): Drawn {
  const parts: Node[] = [
    el('h1', { textContent: `Evaluation against ${view.labelsFile.split(/[\\/]/).pop()}` }),
    el('p', { className: 'sub', textContent: `${view.songs} songs matched by file stem · ${view.source}` }),
  ];
  if (view.proxy) parts.push(el('p', { className: 'proxy', id: 'proxy-note', textContent: view.proxy }));
  parts.push(el('h2', { textContent: 'Official metrics (utterance level)' }), metricsTable(view));
  for (const n of view.notes) parts.push(el('p', { className: 'note', textContent: n }));
  const grid = el('div', { className: 'charts', id: 'scatters' });
  const pending: Promise<Chart>[] = [];
  for (const s of view.scatter) {
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${s.dimension}: predicted against true per song`);
    grid.append(el('figure', {}, el('figcaption', { textContent: `${s.dimension} (top tier ≥ ${fmt(s.threshold)})` }), el('div', { className: 'chart' }, canvas)));
    pending.push(scatter(canvas, s));
  }
  parts.push(el('h2', { textContent: 'Predicted against true, per song' }), grid);
  return { parts, charts: pending };
}

const page = chartPage(root, 'HEAR evaluation', render);

window.addEventListener('message', (event: MessageEvent<ToEvaluation>) => {
  const m = event.data;
  if (m?.type === 'evaluation') page.show(m.view);
  else if (m) page.status(m);
});

vscode.postMessage({ type: 'ready' });
