// The frame every HTML report shares: one self-contained file (inline style,
// inline SVG, no script) that opens offline. The Content-Security-Policy
// forbids every fetch, so a browser shows the page exactly as written; the
// colours follow the reader's light or dark preference.
import type { ModelRef } from '../../types';
import { html, Markup, type Value } from './markup';

const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --grid: #d1d9e0; --panel: #f6f8fa;
  --bar: #3d6fd9; --top: #1a7f37; --a: #8250df; --b: #d4640b; --better: #1a7f37; --worse: #cf222e;
  --warn-bg: #fff8c5; --warn-fg: #4d2d00; --warn-line: #d4a72c; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --grid: #3d444d; --panel: #151b23;
  --bar: #6e9eff; --top: #3fb950; --a: #be8fff; --b: #f0883e; --better: #3fb950; --worse: #ff7b72;
  --warn-bg: #272115; --warn-fg: #e3b341; --warn-line: #9e6a03; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 1.5em; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 1.15em; margin: 28px 0 8px; border-bottom: 1px solid var(--grid); padding-bottom: 4px; }
.sub, .note { color: var(--muted); }
figcaption { font-weight: 600; }
.sub { margin: 0 0 12px; overflow-wrap: anywhere; }
.warning { background: var(--warn-bg); color: var(--warn-fg); border-left: 4px solid var(--warn-line); padding: 8px 12px; margin: 12px 0; }
.headline { font-size: 1.1em; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--grid); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
div.wide { overflow-x: auto; }
td.song { white-space: normal; overflow-wrap: anywhere; }
thead th { background: var(--panel); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 12px 0; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 20px; }
.charts figure { margin: 0; }
svg { display: block; max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
svg text { fill: var(--fg); }
svg .muted { fill: var(--muted); }
svg .grid { stroke: var(--grid); stroke-width: 1; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .threshold { stroke: var(--fg); stroke-width: 2; stroke-dasharray: 4 3; }
svg .bar { fill: var(--bar); }
svg .bar.top { fill: var(--top); }
svg .cell { fill: var(--bar); }
svg .cell.top { stroke: var(--top); stroke-width: 2; }
svg .series-one { fill: var(--bar); }
svg .series-a { fill: var(--a); }
svg .series-b { fill: var(--b); }
svg .up { fill: var(--better); }
svg .down { fill: var(--worse); }
svg .same { fill: var(--muted); }
.star { color: var(--top); }
.better { color: var(--better); font-weight: 600; }
.worse { color: var(--worse); font-weight: 600; }
.key-one { color: var(--bar); } .key-a { color: var(--a); } .key-b { color: var(--b); }
footer { color: var(--muted); font-size: 0.85em; margin-top: 32px; }
`;

/** A complete page: `<title>`, the shared style and the body. */
export function page(title: string, body: Value): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
<main>
${body}
<footer>Written by the <code>hear</code> tools (HEAR method, SongEval dimensions). A standalone page: no network, no script.</footer>
</main>
</body>
</html>
`.text;
}

/** "Tiny HEAR (test fixture) 0.1.0 (tiny-hear)" per model. */
export function modelNames(models: readonly ModelRef[]): string {
  return models.length === 0 ? 'unknown (the results do not say)' : models.map((m) => `${m.name} ${m.version} (${m.id})`).join(', ');
}

/** One warning box per proxy model: its scores stand in for the published HEAR model's. */
export function proxyWarnings(models: readonly ModelRef[]): Markup[] {
  return models
    .filter((m) => m.proxy)
    .map(
      (m) => html`<p class="warning" role="note"><strong>Proxy model:</strong> ${m.name} ${m.version} is not the published HEAR model; its scores only approximate HEAR's.${
        m.proxyNote ? ` ${m.proxyNote}` : ''
      }</p>`,
    );
}

/** The distinct models of a set of songs, by id and version. */
export function distinctModels(models: readonly (ModelRef | undefined)[]): ModelRef[] {
  const seen = new Map<string, ModelRef>();
  for (const m of models) if (m) seen.set(`${m.id}@${m.version}`, m);
  return [...seen.values()];
}
