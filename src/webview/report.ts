// The report panel's page: file facts, the model, the five dimensions against
// their thresholds (Chart.js), the per-segment timeline over the waveform, and a
// player that seeks to a segment when it is clicked. Browser code, built by
// esbuild into dist/webview/report.js.
import type { SegmentScore, SongScore } from '../core/types';
import { draw, themeColors, type Chart } from './charts';
import { connect, css, el, fmt, messageButton, onThemeChange } from './dom';
import type { FromWebview, ReportData, ToWebview } from './protocol';

const { api: vscode, root } = connect<FromWebview>('hear-report');
let chart: Chart | undefined;
let current: ReportData | undefined;

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** Band colours as in the Songs view: all top-tier, some, none. */
function bandColor(topTier: boolean[]): string {
  if (topTier.every(Boolean)) return css('--vscode-charts-green', '#388a34');
  if (topTier.some(Boolean)) return css('--vscode-charts-yellow', '#bf8803');
  return css('--vscode-charts-red', '#e51400');
}

function facts(score: SongScore): HTMLElement {
  const rows: [string, string][] = [];
  const a = score.audio;
  if (a) {
    rows.push(['Duration', `${clock(a.durationSeconds)} (${a.durationSeconds.toFixed(1)} s)`]);
    rows.push(['Format', a.format]);
    rows.push(['Sample rate', `${a.sampleRate} Hz`]);
    rows.push(['Channels', String(a.channels)]);
    if (a.bitrate) rows.push(['Bitrate', `${Math.round(a.bitrate / 1000)} kbit/s`]);
    if (a.bitsPerSample) rows.push(['Bits per sample', String(a.bitsPerSample)]);
    rows.push(['Decoder', a.decoder]);
    for (const [k, v] of Object.entries(a.tags)) rows.push([k[0].toUpperCase() + k.slice(1), v]);
  }
  rows.push(['Model', `${score.model.name} ${score.model.version} (${score.model.id})${score.model.proxy ? ' — proxy model' : ''}`]);
  rows.push(['Execution provider', score.provider]);
  const t = score.timings;
  rows.push(['Time taken', `${(t.totalMs / 1000).toFixed(2)} s (decode ${Math.round(t.decodeMs)} ms, sources ${Math.round(t.sourcesMs)} ms, head ${Math.round(t.headMs)} ms, segments ${Math.round(t.segmentsMs)} ms)`]);
  rows.push(['Scored', new Date(score.scoredAt).toLocaleString()]);
  const dl = el('dl', { className: 'facts', id: 'facts' });
  for (const [k, v] of rows) dl.append(el('dt', { textContent: k }), el('dd', { textContent: v }));
  return dl;
}

function dimensionsTable(score: SongScore): HTMLElement {
  const body = el('tbody');
  score.labels.forEach((label, i) => {
    const row = el('tr', { className: `dimension${score.topTier[i] ? ' top-tier' : ''}` },
      el('th', { scope: 'row', textContent: label }),
      el('td', { className: 'num', textContent: fmt(score.scores[i]) }),
      el('td', { className: 'num', textContent: fmt(score.thresholds[i]) }),
      el('td', { className: 'mark', textContent: score.topTier[i] ? '★ top-tier' : '' }));
    row.dataset.dimension = label;
    body.append(row);
  });
  const head = el('thead', {}, el('tr', {}, ...['Dimension', 'Score', 'Threshold', ''].map((h) => el('th', { scope: 'col', textContent: h }))));
  return el('table', { id: 'dimensions' }, head, body);
}

async function drawChart(canvas: HTMLCanvasElement, score: SongScore): Promise<void> {
  const { fg, grid, green, blue } = themeColors();
  chart?.destroy();
  chart = await draw(canvas, {
    data: {
      labels: score.labels,
      datasets: [
        {
          type: 'bar',
          label: 'Score',
          data: score.scores,
          backgroundColor: score.topTier.map((t) => (t ? green : blue)),
          order: 2,
        },
        {
          type: 'line',
          label: 'Top-tier threshold',
          data: score.thresholds,
          showLine: false,
          pointStyle: 'line',
          pointRadius: 22,
          pointHoverRadius: 22,
          borderWidth: 3,
          borderColor: fg,
          order: 1,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        y: { min: 1, max: 5, ticks: { color: fg, stepSize: 1 }, grid: { color: grid } },
        x: { ticks: { color: fg }, grid: { display: false } },
      },
      plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fmt(Number(c.raw))}` } } },
    },
  });
}

function drawWaveform(canvas: HTMLCanvasElement, envelope: number[]): void {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  const g = canvas.getContext('2d');
  if (!g) return;
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  g.fillStyle = css('--vscode-editor-foreground', '#888');
  g.globalAlpha = 0.55;
  const mid = height / 2;
  const step = width / Math.max(1, envelope.length);
  envelope.forEach((peak, i) => {
    const h = Math.max(1, peak * (height - 4));
    g.fillRect(i * step, mid - h / 2, Math.max(1, step - 0.5), h);
  });
}

function timeline(score: SongScore, envelope: number[], audio: HTMLAudioElement): HTMLElement {
  const duration = score.audio?.durationSeconds ?? score.segments.at(-1)?.end ?? 1;
  const canvas = el('canvas', { id: 'waveform' });
  canvas.setAttribute('aria-hidden', 'true');
  const lane = el('div', { className: 'segments' });
  const playhead = el('div', { className: 'playhead' });
  const segments: SegmentScore[] = score.segments.length
    ? score.segments
    : [{ index: 0, start: 0, end: duration, scores: score.scores }];
  for (const seg of segments) {
    const top = seg.scores.map((v, i) => v >= score.thresholds[i]);
    const mean = seg.scores.reduce((s, v) => s + v, 0) / seg.scores.length;
    const title = `${clock(seg.start)}–${clock(seg.end)}\n` + score.labels.map((l, i) => `${l} ${fmt(seg.scores[i])}${top[i] ? ' ★' : ''}`).join('\n');
    const button = el('button', { className: 'segment', title, type: 'button' }, el('span', { textContent: `${clock(seg.start)} · ${fmt(mean)}` }));
    button.style.left = `${(seg.start / duration) * 100}%`;
    button.style.width = `${((seg.end - seg.start) / duration) * 100}%`;
    button.style.setProperty('--band', bandColor(top));
    button.dataset.start = String(seg.start);
    button.addEventListener('click', () => {
      audio.currentTime = seg.start;
      void audio.play().catch(() => undefined);
      lane.querySelectorAll('.segment.active').forEach((b) => b.classList.remove('active'));
      button.classList.add('active');
    });
    lane.append(button);
  }
  audio.addEventListener('timeupdate', () => {
    playhead.style.left = `${Math.min(100, (audio.currentTime / duration) * 100)}%`;
  });
  const box = el('div', { id: 'timeline' }, canvas, lane, playhead);
  requestAnimationFrame(() => drawWaveform(canvas, envelope));
  return box;
}

function renderReport(report: ReportData): void {
  current = report;
  const { score } = report;
  const audio = el('audio', { id: 'player', controls: true, preload: 'metadata', src: report.audioUri });
  const canvas = el('canvas', { id: 'dimension-chart' });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', score.labels.map((l, i) => `${l} ${fmt(score.scores[i])}`).join(', '));
  const header = el('header', {},
    el('h1', {}, report.name, el('span', { className: `overall${score.allTopTier ? ' top-tier' : ''}`, textContent: ` ${fmt(score.overall)}${score.allTopTier ? ' ★' : ''}` })),
    el('div', { className: 'actions' },
      button('Score again', { type: 'score', force: true }),
      button('Open file', { type: 'open' }),
      button('Export Report', { type: 'exportReport' }, 'secondary'),
      button('Export Markers', { type: 'exportMarkers' }, 'secondary')));
  const parts: Node[] = [header];
  if (score.model.proxy) {
    parts.push(el('p', { className: 'proxy', id: 'proxy-note', textContent: `Proxy model: ${score.model.proxyNote ?? 'these scores come from a stand-in for the published HEAR weights.'}` }));
  }
  parts.push(
    el('section', { className: 'dims' }, el('h2', { textContent: 'Five dimensions' }), el('div', { className: 'chart' }, canvas), dimensionsTable(score)),
    el('section', {}, el('h2', { textContent: `Timeline (${score.segments.length} segment${score.segments.length === 1 ? '' : 's'}) — click a segment to play it` }), timeline(score, report.envelope, audio), audio),
    el('section', {}, el('h2', { textContent: 'Song and model' }), facts(score)),
  );
  root.replaceChildren(...parts);
  void drawChart(canvas, score);
}

function button(label: string, message: FromWebview, className = ''): HTMLButtonElement {
  return messageButton(vscode, label, message, { className, title: className ? `${label} of this song` : '' });
}

function renderMessage(name: string, text: string, offerScore: boolean): void {
  current = undefined;
  chart?.destroy();
  chart = undefined;
  const parts: Node[] = [el('h1', { textContent: name }), el('p', { className: 'message', textContent: text })];
  if (offerScore) parts.push(button('Score', { type: 'score', force: false }));
  root.replaceChildren(...parts);
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  switch (m?.type) {
    case 'report':
      renderReport(m.report);
      break;
    case 'missing':
      renderMessage(m.name, m.message, true);
      break;
    case 'scoring':
      renderMessage(m.name, 'Scoring…', false);
      break;
  }
});

// Colours come from the theme: redraw when VS Code switches it.
onThemeChange(() => {
  if (current) renderReport(current);
});

vscode.postMessage({ type: 'ready' });
