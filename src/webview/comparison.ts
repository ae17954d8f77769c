// The comparison panel's page: the verdict table (as `hear compare` prints it),
// warnings (a proxy model among them), each dimension's distribution in A and B,
// A against B per song when the songs pair up, and the songs that changed most
// (a click opens a song's report). Built by esbuild into dist/webview/comparison.js.
import { chartPage, type Drawn } from './chart-page';
import { diagonalScatter, draw, themeColors, type Chart } from './charts';
import { connect, el, fmt, messageButton } from './dom';
import type { ComparisonSeries, ComparisonView, FromComparison, ToComparison } from './protocol';

const { api: vscode, root } = connect<FromComparison>('hear-comparison');

const signed = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(3)}`;

function verdictTable(view: ComparisonView): HTMLElement {
  const last = view.header.length - 1;
  const head = el('thead', {}, el('tr', {}, ...view.header.map((h, i) => el('th', { scope: 'col', textContent: h, className: i > 0 && i < last ? 'num' : '' }))));
  const body = el('tbody');
  for (const row of view.rows) {
    const tr = el('tr', { className: `row ${row.label === 'overall' ? 'overall' : 'dimension'}` });
    tr.dataset.label = row.label;
    row.cells.forEach((cell, i) => {
      if (i === 0) tr.append(el('th', { scope: 'row', textContent: cell }));
      else if (i === row.cells.length - 1) tr.append(el('td', { className: `verdict ${row.verdict}`, textContent: cell }));
      else tr.append(el('td', { className: 'num', textContent: cell }));
    });
    body.append(tr);
  }
  return el('div', { className: 'wide' }, el('table', { id: 'comparison' }, head, body));
}

function figure(title: string, canvas: HTMLCanvasElement): HTMLElement {
  return el('figure', {}, el('figcaption', { textContent: title }), el('div', { className: 'chart' }, canvas));
}

async function histogram(canvas: HTMLCanvasElement, s: ComparisonSeries, view: ComparisonView): Promise<Chart> {
  const { fg, grid, blue, orange } = themeColors();
  const labels = s.edges.slice(0, -1).map((e) => e.toFixed(2));
  return draw(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: `A: ${view.nameA}`, data: s.countsA, backgroundColor: blue },
        { label: `B: ${view.nameB}`, data: s.countsB, backgroundColor: orange },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { ticks: { color: fg, maxRotation: 0, autoSkip: true, maxTicksLimit: 9 }, grid: { display: false }, title: { display: true, text: s.threshold === null ? 'score' : `score (top tier ≥ ${fmt(s.threshold)})`, color: fg } },
        y: { beginAtZero: true, ticks: { color: fg, precision: 0 }, grid: { color: grid }, title: { display: true, text: 'songs', color: fg } },
      },
      plugins: {
        legend: { labels: { color: fg, boxWidth: 12 } },
        tooltip: { callbacks: { title: (items) => `${labels[items[0]!.dataIndex]}–${s.edges[items[0]!.dataIndex + 1]!.toFixed(2)}` } },
      },
    },
  });
}

function scatter(canvas: HTMLCanvasElement, s: ComparisonSeries): Promise<Chart> {
  const { blue, green, red } = themeColors();
  const points = s.pairs.map((p) => ({ x: p.a, y: p.b, color: p.b > p.a ? green : p.b < p.a ? red : blue, tip: `${p.name}: A ${fmt(p.a)}, B ${fmt(p.b)}` }));
  return diagonalScatter(canvas, points, { x: 'A', y: 'B', line: 'B = A', step: 0.25 });
}

function changedTable(view: ComparisonView): HTMLElement {
  const head = el('thead', {}, el('tr', {}, ...['Song', 'A overall', 'B overall', 'B − A'].map((h, i) => el('th', { scope: 'col', textContent: h, className: i ? 'num' : '' }))));
  const body = el('tbody');
  for (const c of view.changed) {
    const open = (file: string, text: string) => {
      const b = messageButton(vscode, text, { type: 'openSong', file }, { className: 'link', title: `Open the report of ${file}` });
      return el('td', { className: 'num' }, b);
    };
    body.append(el('tr', { className: 'changed' },
      el('th', { scope: 'row', textContent: c.name }),
      open(c.fileA, fmt(c.overallA)),
      open(c.fileB, fmt(c.overallB)),
      el('td', { className: `num ${c.diff > 0 ? 'better' : c.diff < 0 ? 'worse' : ''}`, textContent: `${c.diff > 0 ? '▲' : c.diff < 0 ? '▼' : ''} ${signed(c.diff)}` })));
  }
  return el('table', { id: 'changed' }, head, body);
}

function render(view: ComparisonView): Drawn {
  const copy = messageButton(vscode, 'Copy as Markdown', { type: 'copyMarkdown' }, { id: 'copy-markdown' });
  const header = el('header', {},
    el('h1', { textContent: `${view.nameB} (B) vs ${view.nameA} (A)` }),
    el('div', { className: 'actions' }, copy, messageButton(vscode, 'Export Report', { type: 'exportReport' }, { className: 'secondary' })));
  const parts: Node[] = [
    header,
    el('p', { className: 'sub', textContent: `B: ${view.songsB} songs · A: ${view.songsA} songs · ${view.models}` }),
    ...view.warnings.map((w) => el('p', { className: 'warning', role: 'note' } as Partial<HTMLParagraphElement>, el('strong', { textContent: 'Warning: ' }), w)),
    el('p', { className: 'headline', id: 'summary' }, el('strong', { textContent: 'Verdict: ' }), view.summary),
    verdictTable(view),
    el('p', { className: 'note', textContent: view.method }),
  ];
  const pending: Promise<Chart>[] = [];
  const distributions = el('div', { className: 'charts', id: 'distributions' });
  for (const s of view.series) {
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${s.label}: songs per score in A and B`);
    distributions.append(figure(s.label, canvas));
    pending.push(histogram(canvas, s, view));
  }
  parts.push(el('h2', { textContent: 'Distributions' }), distributions);
  if (view.paired) {
    const scatters = el('div', { className: 'charts', id: 'scatters' });
    for (const s of view.series) {
      const canvas = el('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${s.label}: A against B per song`);
      scatters.append(figure(s.label, canvas));
      pending.push(scatter(canvas, s));
    }
    parts.push(el('h2', { textContent: 'A against B per song (above the line: B scored higher)' }), scatters);
  }
  if (view.changed.length) parts.push(el('h2', { textContent: 'Songs that changed most (click a score to open its report)' }), changedTable(view));
  copy.addEventListener('click', () => (copy.textContent = 'Copying…'));
  return { parts, charts: pending };
}

const page = chartPage(root, 'HEAR comparison', render);

window.addEventListener('message', (event: MessageEvent<ToComparison>) => {
  const m = event.data;
  if (m?.type === 'comparison') page.show(m.view);
  else if (m?.type === 'copied') {
    const b = document.getElementById('copy-markdown');
    if (b) b.textContent = 'Copied ✓';
  } else if (m) page.status(m);
});

vscode.postMessage({ type: 'ready' });
