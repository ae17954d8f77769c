// The evaluation panel's page: the official metrics table (LCC, SRCC, KTAU,
// TTA per dimension and their mean, 3 decimals as `hear eval` prints them) and
// each dimension's predictions against the true labels. Built into
// dist/webview/evaluation.js.
import { draw, themeColors, type Chart } from './charts';
import { connect, el, fmt, onThemeChange } from './dom';
import type { EvaluationView, FromEvaluation, ToEvaluation } from './protocol';

const { api: vscode, root } = connect<FromEvaluation>('hear-evaluation');
let current: EvaluationView | undefined;
let charts: Chart[] = [];

function metricsTable(view: EvaluationView): HTMLElement {
  const head = el('thead', {}, el('tr', {}, ...view.header.map((h, i) => el('th', { scope: 'col', textContent: h, className: i ? 'num' : '' }))));
  const body = el('tbody', {}, ...view.rows.map((r) => {
    const tr = el('tr', { className: r.name === 'Mean' ? 'row overall' : 'row dimension' }, el('th', { scope: 'row', textContent: r.name }), ...r.cells.map((c) => el('td', { className: 'num', textContent: c })));
    tr.dataset.dimension = r.name;
    return tr;
  }));
  return el('table', { id: 'metrics' }, head, body);
}

async function scatter(canvas: HTMLCanvasElement, s: EvaluationView['scatter'][number]): Promise<Chart> {
  const { fg, grid, blue, green } = themeColors();
  const values = s.points.flatMap((p) => [p.truth, p.predicted]);
  const lo = Math.max(1, Math.floor(Math.min(...values) * 2) / 2 - 0.25);
  const hi = Math.min(5, Math.ceil(Math.max(...values) * 2) / 2 + 0.25);
  return draw(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'songs',
          data: s.points.map((p) => ({ x: p.truth, y: p.predicted })),
          // Green: both sides put the song in the top tier.
          pointBackgroundColor: s.points.map((p) => (p.truth >= s.threshold && p.predicted >= s.threshold ? green : blue)),
          pointRadius: 4,
        },
        { type: 'line', label: 'predicted = true', data: [{ x: lo, y: lo }, { x: hi, y: hi }], borderColor: fg, borderDash: [4, 4], borderWidth: 1, pointRadius: 0 },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min: lo, max: hi, ticks: { color: fg }, grid: { color: grid }, title: { display: true, text: 'true (mean of the raters)', color: fg } },
        y: { type: 'linear', min: lo, max: hi, ticks: { color: fg }, grid: { color: grid }, title: { display: true, text: 'predicted', color: fg } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          filter: (item) => item.datasetIndex === 0,
          callbacks: { label: (item) => { const p = s.points[item.dataIndex]!; return `${p.name}: true ${fmt(p.truth)}, predicted ${fmt(p.predicted)}`; } },
        },
      },
    },
  });
}

function render(view: EvaluationView): void {
  current = view;
  charts.forEach((c) => c.destroy());
  charts = [];
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
  root.replaceChildren(...parts);
  void Promise.all(pending).then((made) => (charts = made));
}

function renderMessage(text: string, error: boolean): void {
  current = undefined;
  charts.forEach((c) => c.destroy());
  charts = [];
  root.replaceChildren(el('h1', { textContent: 'HEAR evaluation' }), el('p', { className: error ? 'message error' : 'message', id: 'status', textContent: text }));
}

window.addEventListener('message', (event: MessageEvent<ToEvaluation>) => {
  const m = event.data;
  switch (m?.type) {
    case 'evaluation':
      render(m.view);
      break;
    case 'busy':
      renderMessage(m.message, false);
      break;
    case 'failed':
      renderMessage(m.message, true);
      break;
  }
});

onThemeChange(() => {
  if (current) render(current);
});

vscode.postMessage({ type: 'ready' });
