// Checkpoint review in the real host: Compare Folders on two checkpoints' runs,
// Inspect Model on the fixture bundle, Evaluate Model on a labels file, and
// the HTML reports and DAW markers written by Export Report / Export Segment
// Markers. The panels' numbers are checked against the `hear` CLI's.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'parse5';
import * as vscode from 'vscode';
import { comparisonCells } from '../../../src/core/exports/comparison';
import type { Comparison } from '../../../src/core/compare/compare';
import type { Evaluation } from '../../../src/core/metrics';
import { DIMENSIONS } from '../../../src/core/types';
import type { ComparisonRun } from '../../../src/extension/comparison-panel';
import type { ToModel } from '../../../src/webview/protocol';
import { album, checkpointA, checkpointB, demoSong, hear, workspaceBundle, workspaceDir } from './api';
import { available as harness, queryWebview, waitFor } from './harness';
import { panelPage } from './panel-page';

/**
 * Runs the `hear` CLI of this build (Node, or Electron acting as Node in desktop VS
 * Code), asynchronously: a synchronous child would stall the extension host while
 * the panels' webviews load.
 */
async function hearCli(...args: string[]): Promise<unknown> {
  const root = (await hear()).extensionUri.fsPath;
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  return JSON.parse(stdout);
}

async function fixtureBundle(): Promise<string> {
  return path.join((await hear()).extensionUri.fsPath, 'test', 'fixtures', 'tiny-hear');
}

/** The text of an HTML document, parsed (not grepped) so a broken page fails. */
function htmlText(html: string): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    const n = node as { nodeName: string; value?: string; childNodes?: unknown[]; content?: unknown };
    if (n.nodeName === '#text') parts.push(n.value ?? '');
    if (n.nodeName === 'script' || n.nodeName === 'style') return;
    for (const c of n.childNodes ?? []) walk(c);
  };
  walk(parse(html));
  return parts.join(' ');
}

function tmpOut(name: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), 'exports', name));
}

describe('checkpoint review', function () {
  this.timeout(90_000);

  before(async () => {
    const api = await hear();
    await api.storedLoaded();
    fs.mkdirSync(path.join(workspaceDir(), 'exports'), { recursive: true });
  });

  after(async () => {
    // Close the review panels, so the reload suite starts from the report alone.
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputWebview && /hear\.(comparison|model|evaluation)$/.test(t.input.viewType));
    await vscode.window.tabGroups.close(tabs);
  });

  it('Compare Folders on two selected folders shows the numbers of hear compare', async function () {
    const a = vscode.Uri.file(checkpointA());
    const b = vscode.Uri.file(checkpointB());
    const run = await vscode.commands.executeCommand<ComparisonRun | undefined>('hear.compareFolders', a, [a, b]);
    assert.ok(run, 'the comparison ran');
    const c = run.comparison;
    assert.equal(c.paired, true);
    assert.equal(c.pairs, 3);
    assert.deepEqual(c.rows.map((r) => r.label), [...DIMENSIONS, 'overall']);
    assert.ok(c.warnings.some((w) => /proxy model/.test(w)), c.warnings.join('\n'));

    const cli = (await hearCli('compare', checkpointA(), checkpointB(), '--json', '--model', await fixtureBundle(), '--no-store')) as Comparison;
    assert.deepEqual(comparisonCells(c), comparisonCells(cli));

    if (!harness) this.skip();
    const dom = await panelPage('#hear-comparison', {
      rows: '#comparison tbody th',
      cells: '#comparison tbody td',
      verdicts: '#comparison td.verdict',
      warnings: '.warning',
      histograms: '#distributions canvas',
      scatters: '#scatters canvas',
      changed: '#changed tbody tr',
    }, 6);
    assert.deepEqual(dom.rows.texts, [...DIMENSIONS, 'overall']);
    assert.deepEqual(dom.verdicts.texts, c.rows.map((r) => (r.verdict === 'no-evidence' ? 'no evidence' : r.verdict)));
    assert.deepEqual(dom.cells.texts, comparisonCells(cli).rows.flatMap((r) => r.slice(1)).slice(0, 20));
    assert.ok(dom.warnings.texts.some((t) => /proxy model/.test(t)), 'the proxy warning is shown');
    assert.equal(dom.histograms.count, 6);
    assert.equal(dom.scatters.count, 6, 'paired: a scatter per dimension and overall');
    assert.equal(dom.changed.count, 3);
  });

  it('opens the report of a song that changed most when it is clicked', async function () {
    if (!harness) this.skip();
    const api = await hear();
    const first = api.comparisonRun()!.comparison.mostChanged[0]!;
    // A click event in the page (Playwright's pointer click waits for the layout to settle once the report opens).
    await queryWebview('#hear-comparison', {}, undefined, `document.querySelector('#changed tbody tr:first-child td:nth-of-type(2) button').click()`);
    await waitFor('the song report', () => (api.reportFile() === first.fileB ? true : undefined));
    // One editor group again for the panels that follow (code-server's webviews load less
    // reliably when panels open one after another in a second group).
    await vscode.commands.executeCommand('workbench.action.joinAllGroups');
  });

  it('Export Report writes the open comparison as a standalone HTML page', async () => {
    const target = tmpOut('comparison.html');
    const written = await vscode.commands.executeCommand<string>('hear.exportReport', 'comparison', undefined, target);
    assert.equal(written, target.fsPath);
    const text = htmlText(fs.readFileSync(target.fsPath, 'utf8'));
    assert.match(text, /HEAR comparison/);
    for (const d of DIMENSIONS) assert.ok(text.includes(d), `${d} missing from the comparison report`);
  });

  it('Inspect Model on a manifest.json shows labels, thresholds, files and that they are verified', async function () {
    const shown = await vscode.commands.executeCommand<ToModel>('hear.inspectModel', vscode.Uri.file(path.join(workspaceBundle(), 'manifest.json')));
    assert.equal(shown?.type, 'model', JSON.stringify(shown));
    if (shown.type !== 'model') return;
    assert.deepEqual(shown.model.labels, [...DIMENSIONS]);
    assert.equal(shown.model.proxy, true);
    if (!harness) this.skip();
    const dom = await panelPage('#hear-model', { rows: '#labels tbody th', thresholds: '#labels tbody td', verified: '#verified', proxy: '#proxy-note', files: '#files tbody tr', sources: '#sources tbody th' }, 5);
    assert.deepEqual(dom.rows.texts, [...DIMENSIONS]);
    assert.deepEqual(dom.thresholds.texts, ['4.00', '4.00', '3.75', '3.75', '4.00']);
    assert.match(dom.verified.texts[0]!, /Verified.*all \d+ files match their sha256/);
    assert.match(dom.proxy.texts[0]!, /^Proxy model: Random weights/);
    assert.equal(dom.files.count, shown.model.files.length);
    assert.deepEqual(dom.sources.texts, shown.model.sources.map((s) => s.id));
  });

  it('Inspect Model says when a bundle file does not match its hash', async () => {
    const tampered = path.join(workspaceDir(), 'models', 'tampered');
    fs.cpSync(workspaceBundle(), tampered, { recursive: true });
    fs.appendFileSync(path.join(tampered, 'head.onnx'), Buffer.from([0]));
    try {
      const shown = await vscode.commands.executeCommand<ToModel>('hear.inspectModel', vscode.Uri.file(tampered));
      assert.equal(shown?.type, 'failed');
      if (shown.type === 'failed') assert.match(shown.message, /head\.onnx/);
    } finally {
      fs.rmSync(tampered, { recursive: true, force: true });
    }
  });

  it('Evaluate Model on a labels file shows the metrics of hear eval', async function () {
    const api = await hear();
    // SongEval's metadata.jsonl shape: two raters per song; the label is their mean.
    const rated = (file: string, a: number[], b: number[]) =>
      JSON.stringify({ file_name: file, annotation: [a, b].map((r, k) => ({ annotator: `r${k}`, ...Object.fromEntries(DIMENSIONS.map((d, i) => [d, r[i]])) })) });
    const labels = path.join(workspaceDir(), 'metadata.jsonl');
    fs.writeFileSync(labels, [
      rated('album/short-8s.wav', [2, 2.5, 2, 3, 2.5], [2.5, 2, 2, 3.5, 3]),
      rated('album/tail-30s.wav', [4, 4.5, 4, 4, 4.5], [4.5, 4, 3.5, 4, 4]),
      rated('demos/song-75s.wav', [3, 3.5, 3, 3.5, 3], [3.5, 3, 3.5, 3, 3.5]),
    ].join('\n') + '\n');
    const predictions = tmpOut('scores.json');
    await vscode.commands.executeCommand('hear.exportScores', 'json', predictions);

    const fromFile = await vscode.commands.executeCommand<Evaluation | undefined>('hear.evaluateModel', vscode.Uri.file(labels), undefined, { predictions });
    assert.ok(fromFile, 'the evaluation ran');
    assert.equal(fromFile.matched, 3);
    const cli = (await hearCli('eval', '--labels', labels, '--pred', predictions.fsPath, '--json')) as {
      utterance: { dimensions: { dimension: string; rounded: Record<string, number> }[]; meanRounded: Record<string, number> };
    };
    const expected = [...cli.utterance.dimensions.map((d) => d.rounded), cli.utterance.meanRounded].flatMap((v) => ['lcc', 'srcc', 'ktau', 'tta'].map((m) => v[m]!.toFixed(3)));

    if (harness) {
      const dom = await panelPage('#hear-evaluation', { rows: '#metrics tbody th', cells: '#metrics tbody td', scatters: '#scatters canvas', proxy: '#proxy-note' }, 6);
      assert.deepEqual(dom.rows.texts, [...DIMENSIONS, 'Mean']);
      assert.deepEqual(dom.cells.texts, expected.slice(0, 20));
      assert.equal(dom.scatters.count, 5);
      assert.equal(dom.proxy.count, 1);
    }

    // Scoring the labelled songs (their folder is the labels file's) gives the same table.
    const scored = await vscode.commands.executeCommand<Evaluation | undefined>('hear.evaluateModel', vscode.Uri.file(labels), undefined, { audio: vscode.Uri.file(workspaceDir()) });
    assert.ok(scored);
    assert.deepEqual(scored.utterance, fromFile.utterance);
    assert.equal(api.results.score(path.join(album(), 'short-8s.wav'))?.labels.length, 5);
  });

  it('Export Report writes a song and a folder as standalone HTML pages', async () => {
    for (const [what, target] of [[demoSong(), tmpOut('song.html')], [album(), tmpOut('album.html')]] as const) {
      const written = await vscode.commands.executeCommand<string>('hear.exportReport', vscode.Uri.file(what), undefined, target);
      assert.equal(written, target.fsPath);
      const text = htmlText(fs.readFileSync(target.fsPath, 'utf8'));
      for (const d of DIMENSIONS) assert.ok(text.includes(d), `${d} missing from the report of ${what}`);
    }
  });

  it('Export Segment Markers writes an Audacity label track and REAPER regions', async () => {
    const score = (await hear()).results.score(demoSong())!;
    const labels = tmpOut('song.labels.txt');
    await vscode.commands.executeCommand('hear.exportSegmentMarkers', vscode.Uri.file(demoSong()), undefined, 'audacity', labels);
    const lines = fs.readFileSync(labels.fsPath, 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(lines.map((l) => [Number(l[0]), Number(l[1])]), score.segments.map((s) => [s.start, s.end]));
    const regions = tmpOut('song.regions.csv');
    await vscode.commands.executeCommand('hear.exportSegmentMarkers', vscode.Uri.file(demoSong()), undefined, 'reaper', regions);
    const rows = fs.readFileSync(regions.fsPath, 'utf8').trimEnd().split('\n');
    assert.equal(rows[0], '#,Name,Start,End,Length,Color');
    assert.equal(rows.length, 1 + score.segments.length);
  });
});
