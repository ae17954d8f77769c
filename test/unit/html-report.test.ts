// The standalone HTML reports, read back with an HTML parser (parse5, the
// WHATWG parsing algorithm browsers use): what each page says, that data never
// turns into markup, that nothing points off the page, and the CLI round trip.
// The songs are real `hear score --json` results of the test fixtures.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'parse5';
import { compareScores } from '../../src/core/compare/compare';
import { formatVerdict } from '../../src/core/exports/comparison';
import { comparisonReportHtml, folderReportHtml, songReportHtml } from '../../src/core/exports/html-report';
import type { SongScore } from '../../src/core/types';
import { hear, repoRoot } from './cli-helpers';
import { tempDir } from './engine-helpers';

/** The node shape parse5's default tree adapter builds (elements, text, comments, the document). */
interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  value?: string;
}

/** Parses a page; a parse error (bad nesting, a stray character) fails the test. */
function parsePage(html: string): Node {
  const errors: string[] = [];
  const doc = parse(html, { onParseError: (e) => errors.push(`${e.code} at line ${e.startLine}`) }) as unknown as Node;
  assert.deepEqual(errors, [], 'the page parses without errors');
  return doc;
}

function elements(node: Node, tag?: string): Node[] {
  const found: Node[] = [];
  const walk = (n: Node) => {
    if (n.tagName && (tag === undefined || n.tagName === tag)) found.push(n);
    n.childNodes?.forEach(walk);
  };
  walk(node);
  return found;
}

function text(node: Node): string {
  return node.nodeName === '#text' ? node.value! : (node.childNodes ?? []).map(text).join('');
}

function attr(node: Node, name: string): string | undefined {
  return node.attrs?.find((a) => a.name === name)?.value;
}

function hasClass(node: Node, name: string): boolean {
  return (attr(node, 'class') ?? '').split(' ').includes(name);
}

/** The <section>-like run of elements after the <h2> with this text, up to the next <h2>. */
function section(doc: Node, heading: string): Node {
  const main = elements(doc, 'main')[0]!;
  const children = main.childNodes!.filter((n) => n.tagName);
  const start = children.findIndex((n) => n.tagName === 'h2' && text(n) === heading);
  assert.ok(start >= 0, `a section "${heading}"`);
  const end = children.findIndex((n, i) => i > start && n.tagName === 'h2');
  return { nodeName: 'section', tagName: 'section', childNodes: children.slice(start + 1, end < 0 ? undefined : end) };
}

/** Nothing on the page loads from elsewhere or runs: no script, no external element, no URL in any attribute or in the style. */
function assertSelfContained(doc: Node): void {
  for (const tag of ['script', 'link', 'img', 'iframe', 'object', 'embed', 'image', 'use', 'foreignObject', 'audio', 'video', 'base']) {
    assert.equal(elements(doc, tag).length, 0, `no <${tag}>`);
  }
  for (const el of elements(doc)) {
    for (const { name, value } of el.attrs ?? []) {
      assert.ok(!['src', 'srcset', 'href', 'xlink:href', 'action', 'formaction', 'data', 'poster'].includes(name), `no ${name}= on <${el.tagName}>`);
      assert.ok(!name.startsWith('on'), `no event handler ${name}= on <${el.tagName}>`);
      assert.doesNotMatch(value, /(https?:|\/\/|url\()/i, `${name}="${value}" on <${el.tagName}> points nowhere`);
    }
  }
  for (const style of elements(doc, 'style')) assert.doesNotMatch(text(style), /url\(|@import|https?:|\/\//i);
  const csp = elements(doc, 'meta').find((m) => attr(m, 'http-equiv') === 'Content-Security-Policy');
  assert.match(attr(csp!, 'content')!, /default-src 'none'/);
}

/** The song page lists the file's facts, the provider, the content hash and the time per stage of a `hear score --json` result. */
function assertSongFacts(doc: Node, scored: SongScore): void {
  const facts = Object.fromEntries(
    elements(doc, 'dl').flatMap((dl) => {
      const terms = elements(dl, 'dt').map(text);
      return elements(dl, 'dd').map((dd, i) => [terms[i], text(dd)]);
    }),
  );
  assert.equal(facts['Sample rate'], '24000 Hz');
  assert.equal(facts['Duration'], '1:15 (75.00 s decoded)');
  assert.equal(facts['Format'], 'wav/pcm_s16le');
  assert.equal(facts['Decoder'], scored.audio!.decoder);
  assert.equal(facts['Execution provider'], 'cpu');
  assert.equal(facts['Scored at'], scored.scoredAt);
  assert.equal(facts['Content hash (sha256)'], scored.contentHash);
  assert.equal(facts['Proxy model'], 'yes');
  const stages = elements(section(doc, 'Scoring'), 'tr').map((r) => elements(r, 'td').map(text)).filter((r) => r.length);
  assert.deepEqual(stages.find((r) => r[0] === 'total'), ['total', scored.timings.totalMs.toFixed(0)]);
}

const scratch = tempDir('hear-html-');
const weirdFolder = join(scratch, 'songs', '<script>alert(1)<');
const weirdName = `script> & "it's".wav`;
let resultsFile: string;
let scored: SongScore[];
/** The 75 s song (3 segments) under a path that holds <script>alert(1)</script>, quotes and an ampersand. */
let song: SongScore;

before(async () => {
  mkdirSync(weirdFolder, { recursive: true });
  copyFileSync(join(repoRoot, 'test/fixtures/audio/song-75s.wav'), join(weirdFolder, weirdName));
  copyFileSync(join(repoRoot, 'test/fixtures/audio/short-8s.wav'), join(scratch, 'songs', 'short-8s.wav'));
  resultsFile = join(scratch, 'results.json');
  const r = await hear(['score', '--model', join(repoRoot, 'test/fixtures/tiny-hear'), '--json', '--no-store', '--out', resultsFile, join(scratch, 'songs')]);
  assert.equal(r.code, 0, r.stderr);
  scored = (JSON.parse(readFileSync(resultsFile, 'utf8')) as { results: SongScore[] }).results;
  song = scored.find((s) => s.file.endsWith(weirdName))!;
  song.audio!.tags = { title: '"><img src=x onerror=alert(1)>', artist: 'Tom & Jerry' };
});

describe('song report', () => {
  it('shows the five dimensions as bars with their thresholds, values and top-tier marks', () => {
    const doc = parsePage(songReportHtml(song));
    assertSelfContained(doc);
    const chart = elements(section(doc, 'Dimensions'), 'svg')[0]!;
    assert.equal(attr(chart, 'role'), 'img');
    assert.equal(text(elements(chart, 'title')[0]!), 'Score per dimension');
    const labels = elements(chart, 'text').map(text);
    assert.equal(elements(chart, 'line').filter((l) => hasClass(l, 'threshold')).length, 5);
    song.labels.forEach((label, i) => {
      assert.ok(labels.includes(label), `${label} is named`);
      const value = song.scores[i]!.toFixed(2);
      const threshold = song.thresholds[i]!.toFixed(2);
      const top = song.scores[i]! >= song.thresholds[i]!;
      const line = labels.find((t) => t.startsWith(`${value} `));
      assert.equal(line, top ? `${value} ★ top tier (≥ ${threshold})` : `${value} (top tier ≥ ${threshold})`, `${label}: value and threshold beside the bar`);
    });
    const bars = elements(chart, 'rect');
    assert.equal(bars.length, 5);
    assert.deepEqual(bars.map((b) => hasClass(b, 'top')), song.topTier);
    // The table says the same in words.
    const rows = elements(elements(section(doc, 'Dimensions'), 'tbody')[0]!, 'tr').map((r) => elements(r, 'td').map(text));
    assert.deepEqual(rows.map((r) => r[0]), song.labels);
    assert.deepEqual(rows.map((r) => r[3]!.endsWith('yes')), song.topTier);
    assert.ok(song.topTier.some(Boolean) && !song.allTopTier, 'the fixture song has top-tier and other dimensions');
  });

  it('draws the segment timeline: one column per segment, weakest and strongest named', () => {
    const doc = parsePage(songReportHtml(song));
    const timeline = section(doc, 'Timeline');
    assert.equal(song.segments.length, 3);
    assert.match(text(timeline), /3 segments of up to 30 s/);
    const cells = elements(timeline, 'rect').filter((r) => hasClass(r, 'cell'));
    assert.equal(cells.length, 3 * (song.labels.length + 1), 'a cell per segment and dimension, plus the overall row');
    const texts = elements(timeline, 'text').map(text);
    assert.ok(texts.includes('weakest') && texts.includes('strongest'));
    assert.deepEqual(texts.filter((t) => /^\d:\d\d$/.test(t)), ['0:00', '0:30', '1:00', '1:15']);
    const first = song.segments[0]!;
    assert.ok(texts.includes(first.scores[0]!.toFixed(2) + (first.scores[0]! >= song.thresholds[0]! ? ' ★' : '')), 'the first cell shows its score');
  });

  it('names the model, warns that it is a proxy, and lists the file facts, provider and timings', () => {
    const doc = parsePage(songReportHtml(song));
    const warning = elements(doc, 'p').find((p) => hasClass(p, 'warning'))!;
    assert.match(text(warning), /^Proxy model: Tiny HEAR \(test fixture\) 0\.1\.0 is not the published HEAR model/);
    assert.ok(text(warning).includes(song.model.proxyNote!));
    assertSongFacts(doc, song);
  });

  it('escapes every string from the data: file names and tags stay text', () => {
    const html = songReportHtml(song);
    const doc = parsePage(html);
    assert.equal(elements(doc, 'script').length, 0);
    assert.equal(elements(doc, 'img').length, 0);
    assert.ok(song.file.includes('<script>alert(1)</script> & "it\'s".wav'));
    assert.equal(text(elements(doc, 'h1')[0]!), weirdName);
    assert.equal(text(elements(doc, 'title')[0]!), `HEAR report: ${weirdName}`);
    assert.ok(elements(doc, 'p').some((p) => text(p) === song.file), 'the full path, as text');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;it&#39;s&quot;.wav'));
    assert.ok(!html.includes('<script>alert'), 'never as a tag');
    const tags = elements(doc, 'dd').find((dd) => text(dd).startsWith('title: '))!;
    assert.equal(text(tags), 'title: "><img src=x onerror=alert(1)>artist: Tom & Jerry');
  });

  it('a song with scores alone (a row of hear score --csv) says what the results lack', () => {
    const { file, labels, scores, thresholds, model } = song;
    const doc = parsePage(songReportHtml({ file, labels, scores, thresholds, model }));
    assert.match(text(section(doc, 'Timeline')), /Scored without segments/);
    assert.equal(elements(section(doc, 'Timeline'), 'svg').length, 0);
    assert.match(text(section(doc, 'File')), /These results do not include the audio's facts/);
    assert.deepEqual(elements(section(doc, 'Scoring'), 'dt').map(text), ['Model', 'Proxy model']);
    assert.equal(elements(elements(section(doc, 'Dimensions'), 'svg')[0]!, 'rect').length, 5);
  });
});

describe('folder report', () => {
  /** 12 songs from the two real results, scores shifted so that three reach the top tier everywhere (and go off the scale). */
  const many = () =>
    Array.from({ length: 12 }, (_, i) => {
      const base = scored[i % 2]!;
      return { ...base, file: `/runs/ckpt/${i === 3 ? '<b>bold</b>' : `song-${i}`}.wav`, scores: base.scores.map((v, d) => v + ((i * 7 + d * 3) % 10) / 10 + (i % 4 === 0 ? 1 : 0)) };
    });

  it('summarises count, mean per dimension and top-tier counts, with a distribution chart per dimension', () => {
    const songs = many();
    const doc = parsePage(folderReportHtml(songs));
    assertSelfContained(doc);
    assert.equal(text(elements(doc, 'h1')[0]!), 'HEAR report: /runs/ckpt');
    const allTop = songs.filter((s) => s.scores.every((v, d) => v >= s.thresholds[d]!)).length;
    assert.ok(allTop > 0 && allTop < songs.length, 'some songs, not all, are top tier in every dimension');
    assert.match(text(elements(doc, 'p').find((p) => hasClass(p, 'headline'))!), new RegExp(`^${allTop} of 12 songs .* top tier in every dimension`));
    const summary = elements(elements(section(doc, 'Summary'), 'tbody')[0]!, 'tr').map((r) => elements(r, 'td').map(text));
    assert.deepEqual(summary.map((r) => r[0]), [...song.labels, 'overall']);
    song.labels.forEach((label, d) => {
      const values = songs.map((s) => s.scores[d]!);
      const top = values.filter((v) => v >= song.thresholds[d]!).length;
      assert.equal(summary[d]![1], (values.reduce((a, b) => a + b, 0) / values.length).toFixed(2), `${label} mean`);
      assert.equal(summary[d]![4], song.thresholds[d]!.toFixed(2));
      assert.equal(summary[d]![5], `${top} (${Math.round((top / 12) * 100)}%)`, `${label} top-tier count`);
    });
    const charts = elements(section(doc, 'Distributions'), 'svg');
    assert.deepEqual(charts.map((c) => text(elements(c, 'title')[0]!)), [...song.labels, 'overall'].map((l) => `${l}: songs per score`));
    charts.slice(0, 5).forEach((c) => assert.equal(elements(c, 'line').filter((l) => hasClass(l, 'threshold')).length, 1));
    // Each histogram counts every song once.
    for (const c of charts) {
      const counts = elements(c, 'rect').map((r) => Number(/: (\d+) songs/.exec(text(elements(r, 'title')[0]!))![1]));
      assert.equal(counts.reduce((a, b) => a + b, 0), 12);
    }
  });

  it('lists every song with its scores and stars, in name order, names escaped', () => {
    const songs = many();
    const doc = parsePage(folderReportHtml(songs));
    const rows = elements(elements(section(doc, 'Songs'), 'tbody')[0]!, 'tr').map((r) => elements(r, 'td').map(text));
    assert.equal(rows.length, 12);
    assert.deepEqual(rows.slice(0, 4).map((r) => r[0]), ['<b>bold</b>.wav', 'song-0.wav', 'song-1.wav', 'song-2.wav']);
    assert.equal(elements(doc, 'b').length, 0);
    const s2 = songs[2]!;
    const row = rows.find((r) => r[0] === 'song-2.wav')!;
    s2.scores.forEach((v, d) => assert.equal(row[2 + d], v >= s2.thresholds[d]! ? `${v.toFixed(2)} ★` : v.toFixed(2)));
    const starred = rows.filter((r) => r.at(-1) === '★ all').length;
    assert.equal(starred, songs.filter((s) => s.scores.every((v, d) => v >= s.thresholds[d]!)).length);
  });

  it('lists the files that failed; an empty set is refused', () => {
    const doc = parsePage(folderReportHtml(many(), { title: 'run <1>', failures: [{ file: '/x/bad.wav', error: '/x/bad.wav: not a WAV file', code: 'CORRUPT' }] }));
    assert.equal(text(elements(doc, 'h1')[0]!), 'HEAR report: run <1>');
    assert.deepEqual(elements(section(doc, 'Not scored'), 'li').map(text), ['/x/bad.wav: not a WAV file']);
    assert.throws(() => folderReportHtml([], { title: 'empty.json' }), /empty\.json: no scored songs to report/);
  });
});

describe('comparison report', () => {
  const run = (folder: string, shift: number) =>
    Array.from({ length: 24 }, (_, i) => {
      const base = scored[i % 2]!;
      return { ...base, file: `/runs/${folder}/prompt-${i}.wav`, scores: base.scores.map((v, d) => v + ((i * 7 + d * 3) % 10) / 10 + (d === 1 ? shift : 0) + ((i * 13) % 5) / 50) };
    });
  const a = () => run('ckpt-a', 0);
  const b = () => run('ckpt-b', 0.3);

  it('shows the table with each verdict, the proxy warning, distributions and a paired scatter', () => {
    const [sa, sb] = [a(), b()];
    const c = compareScores(sa, sb, { nameA: 'ckpt-a', nameB: 'ckpt-b <new>', resamples: 500 });
    const doc = parsePage(comparisonReportHtml(c, sa, sb));
    assertSelfContained(doc);
    assert.equal(text(elements(doc, 'h1')[0]!), 'HEAR comparison: ckpt-b <new> (B) vs ckpt-a (A)');
    const warnings = elements(doc, 'p').filter((p) => hasClass(p, 'warning')).map(text);
    assert.ok(warnings.some((w) => /Tiny HEAR \(test fixture\) \(tiny-hear@0\.1\.0\) is a proxy model/.test(w)));
    const rows = elements(elements(section(doc, 'Per dimension'), 'tbody')[0]!, 'tr').map((r) => elements(r, 'td'));
    assert.deepEqual(rows.map((r) => text(r[0]!)), [...song.labels, 'overall']);
    assert.deepEqual(rows.map((r) => text(r.at(-1)!)), c.rows.map((r) => formatVerdict(r.verdict)));
    assert.equal(c.rows[1]!.verdict, 'better', 'Musicality moved up by 0.3');
    assert.ok(hasClass(rows[1]!.at(-1)!, 'better'));
    assert.match(text(elements(doc, 'p').find((p) => hasClass(p, 'headline'))!), /^Verdict: Overall: B better/);

    const histograms = elements(section(doc, 'Distributions'), 'svg');
    assert.equal(histograms.length, 6);
    for (const h of histograms) {
      const perSeries = (tone: string) => elements(h, 'rect').filter((r) => hasClass(r, `series-${tone}`)).map((r) => Number(/: (\d+) songs/.exec(text(r))![1]));
      assert.equal(perSeries('a').reduce((x, y) => x + y, 0), 24);
      assert.equal(perSeries('b').reduce((x, y) => x + y, 0), 24);
    }
    const scatters = elements(section(doc, 'A against B per song'), 'svg');
    assert.equal(scatters.length, 6);
    const musicality = elements(scatters[1]!, 'circle');
    assert.equal(musicality.length, 24);
    assert.ok(musicality.every((p) => hasClass(p, 'up')), 'every song gained Musicality');
    assert.match(text(elements(scatters[1]!, 'title')[1]!), /^prompt-\d+: A \d\.\d\d → B \d\.\d\d$/);

    const changed = elements(elements(section(doc, 'Songs that changed most'), 'tbody')[0]!, 'tr');
    assert.equal(changed.length, c.mostChanged.length);
    assert.match(text(elements(changed[0]!, 'td').at(-1)!), new RegExp(`\\+${c.mostChanged[0]!.diff.toFixed(3)}$`));
  });

  it('refuses songs that are not the ones compared', () => {
    const [sa, sb] = [a(), b()];
    const c = compareScores(sa, sb, { resamples: 200 });
    assert.throws(() => comparisonReportHtml(c, sa.slice(0, 20), sb), /pair up 20 times, the comparison 24/);
  });

  it('unpaired runs get distributions and no scatter', () => {
    const sa = a();
    const sb = b().map((s, i) => ({ ...s, file: `/runs/ckpt-b/other-${i}.wav` }));
    const c = compareScores(sa, sb, { resamples: 500 });
    assert.equal(c.paired, false);
    const html = comparisonReportHtml(c, sa, sb);
    const doc = parsePage(html);
    assert.equal(elements(section(doc, 'Distributions'), 'svg').length, 6);
    assert.equal(elements(doc, 'circle').length, 0);
    assert.ok(!html.includes('changed most'));
  });
});

describe('hear export --format html and hear compare --html', { concurrency: true }, () => {
  it('exports one song by name as a report page', async () => {
    const out = join(scratch, 'song.html');
    const r = await hear(['export', resultsFile, `script> & "it's"`, '--format', 'html', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const doc = parsePage(readFileSync(out, 'utf8'));
    assertSelfContained(doc);
    assert.equal(text(elements(doc, 'h1')[0]!), weirdName);
    assert.equal(elements(elements(section(doc, 'Dimensions'), 'svg')[0]!, 'rect').length, 5);
    assert.equal(elements(section(doc, 'Timeline'), 'rect').length, 3 * 6);
    // The facts `hear score --json` wrote come through the results file.
    const written = (JSON.parse(readFileSync(resultsFile, 'utf8')) as { results: SongScore[] }).results.find((s) => s.file.endsWith(weirdName))!;
    assertSongFacts(doc, written);
  });

  it('exports all the results as a folder page on standard output', async () => {
    const r = await hear(['export', resultsFile, '--format', 'html']);
    assert.equal(r.code, 0, r.stderr);
    const doc = parsePage(r.stdout);
    assert.equal(text(elements(doc, 'h1')[0]!), `HEAR report: ${resultsFile}`);
    const names = elements(elements(section(doc, 'Songs'), 'tbody')[0]!, 'tr').map((row) => text(elements(row, 'td')[0]!));
    assert.deepEqual(names, ['<script>alert(1)</script> & "it\'s".wav', 'short-8s.wav']);
    assert.equal(elements(doc, 'script').length, 0);
  });

  it('hear compare A B --html FILE writes the comparison page and keeps the table on standard output', async () => {
    const fileA = join(scratch, 'a.json');
    const fileB = join(scratch, 'b.json');
    const shifted = scored.map((s) => ({ ...s, scores: s.scores.map((v) => v + 0.1) }));
    writeFileSync(fileA, JSON.stringify({ results: scored, failures: [] }));
    writeFileSync(fileB, JSON.stringify({ results: shifted, failures: [] }));
    const out = join(scratch, 'compare.html');
    const r = await hear(['compare', fileA, fileB, '--resamples', '200', '--html', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Paired: 2 songs/);
    const doc = parsePage(readFileSync(out, 'utf8'));
    assertSelfContained(doc);
    const verdicts = elements(elements(section(doc, 'Per dimension'), 'tbody')[0]!, 'tr').map((row) => text(elements(row, 'td').at(-1)!));
    assert.deepEqual(verdicts, Array(6).fill('no evidence'), 'two pairs are too few for evidence');
    assert.equal(elements(section(doc, 'A against B per song'), 'circle').length, 6 * 2);
  });

  it('an unknown format names the three', async () => {
    const r = await hear(['export', resultsFile, '--format', 'pdf']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format must be audacity, reaper or html, not "pdf"/);
  });
});
