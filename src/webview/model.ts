// The model panel's page: what a bundle holds (task, labels and thresholds,
// sources, scales and streams, files with sizes, licences, provenance and
// hashes) and whether it is a proxy model. Built into dist/webview/model.js.
import type { ModelInfo } from '../core/engine';
import { connect, el, messageButton } from './dom';
import type { FromModel, ToModel } from './protocol';

const { api: vscode, root } = connect<FromModel>('hear-model');

function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

function facts(rows: [string, string | Node][], id: string): HTMLElement {
  const dl = el('dl', { className: 'facts', id });
  for (const [k, v] of rows) dl.append(el('dt', { textContent: k }), el('dd', {}, v));
  return dl;
}

function table(id: string, header: string[], rows: (string | Node)[][], rowClass = ''): HTMLElement {
  const head = el('thead', {}, el('tr', {}, ...header.map((h) => el('th', { scope: 'col', textContent: h }))));
  const body = el('tbody', {}, ...rows.map((cells) => el('tr', { className: rowClass }, ...cells.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c))))));
  return el('table', { id }, head, body);
}

function render(m: ModelInfo, rehashed: boolean): void {
  const total = m.files.reduce((n, f) => n + f.bytes, 0);
  const parts: Node[] = [
    el('header', {},
      el('h1', { textContent: `${m.name} ${m.version}` }),
      el('div', { className: 'actions' },
        messageButton(vscode, 'Verify Again', { type: 'verify' }, { title: 'Hash every file again, ignoring remembered hashes' }),
        messageButton(vscode, 'Open manifest.json', { type: 'openManifest' }, { className: 'secondary' }))),
  ];
  if (m.description) parts.push(el('p', { className: 'sub', textContent: m.description }));
  parts.push(m.proxy
    ? el('p', { className: 'proxy', id: 'proxy-note', textContent: `Proxy model: ${m.proxyNote ?? 'not trained on human ratings; its scores approximate the published HEAR model at best.'}` })
    : el('p', { className: 'sub', id: 'proxy-note', textContent: 'Not a proxy: trained on human ratings.' }));
  const verified = `${rehashed ? 'Verified just now' : 'Verified'}: the manifest matches the bundle schema and all ${m.files.length} files match their sha256 (${bytes(total)} in all).`;
  parts.push(el('p', { className: 'verified', id: 'verified', textContent: `✓ ${verified}` }));
  parts.push(
    el('h2', { textContent: 'Task' }),
    facts([
      ['Id', el('code', { textContent: m.id })],
      ['Task', `SongEval track ${m.track} (${m.track === 1 ? 'Musicality only' : 'all five dimensions'})`],
      ['Input', m.input === 'audio' ? `audio, mono ${m.sampleRate} Hz; ${m.frameRate} frames/s` : `.npy features; ${m.frameRate} frames/s`],
      ['Folder', m.dir],
    ], 'task'),
    el('h2', { textContent: 'Labels and top-tier thresholds' }),
    table('labels', ['Label', 'Top tier at or above'], m.labels.map((l, i) => [l, m.thresholds[i]!.toFixed(2)]), 'label'),
  );
  if (m.input === 'audio') {
    parts.push(
      el('h2', { textContent: 'Sources, scales and streams' }),
      table('sources', ['Source', 'Graph', 'Width', 'What it computes'], m.sources.map((s) => [s.id, el('code', { textContent: s.file }), `${s.dim}-d`, s.description ?? ''])),
      table('scales', ['Scale', 'How the audio is cut'], m.scales.map((s) => [s.id, s.kind === 'track' ? 'the whole track' : `${s.windowSeconds} s windows, ${s.hopSeconds} s hop`])),
      facts([['Streams', m.streams.map((s) => `${s.source}@${s.scale}`).join(', ')]], 'streams'),
    );
  }
  parts.push(
    el('h2', { textContent: 'Files' }),
    table('files', ['File', 'Size', 'Licence', 'sha256'], m.files.map((f) => [
      el('span', {}, el('code', { textContent: f.path }), el('div', { className: 'provenance', textContent: f.provenance })),
      bytes(f.bytes),
      f.license,
      el('span', { className: 'hash', title: f.sha256 }, `${f.verified ? '✓ ' : ''}${f.sha256.slice(0, 16)}…`),
    ]), 'file'),
  );
  root.classList.add('files');
  root.replaceChildren(...parts);
}

function renderMessage(title: string, text: string, error: boolean): void {
  root.replaceChildren(el('h1', { textContent: title }), el('p', { className: error ? 'message error' : 'message', id: 'status', textContent: text }));
}

window.addEventListener('message', (event: MessageEvent<ToModel>) => {
  const m = event.data;
  switch (m?.type) {
    case 'model':
      render(m.model, m.rehashed);
      break;
    case 'busy':
      renderMessage('HEAR model', m.message, false);
      break;
    case 'failed':
      renderMessage('HEAR model: not usable', m.message, true);
      break;
  }
});

vscode.postMessage({ type: 'ready' });
