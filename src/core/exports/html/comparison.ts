// The report of a comparison (hear compare): the verdict table, each
// dimension's distribution in A and B, A against B per song when the songs
// pair up, and the songs that changed most.
import type { CompareOptions, Comparison } from '../../compare/compare';
import { pairSongs } from '../../compare/pairing';
import type { ScoredSong } from '../../labels';
import { labelScores } from '../../song-values';
import { comparisonCells, pairingLine } from '../comparison';
import { histogram, pairedScatter } from './distributions';
import { html, score2, type Markup } from './markup';
import { modelNames, page } from './page';

const signed = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(3)}`;

function verdictTable(c: Comparison): Markup {
  const { header, rows } = comparisonCells(c);
  const verdictClass = (r: number) => (c.rows[r]!.verdict === 'no-evidence' ? undefined : c.rows[r]!.verdict);
  return html`<div class="wide"><table><thead><tr>${header.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>
${rows.map(
  (cells, r) =>
    html`<tr>${cells.map((cell, i) =>
      i === 0 ? html`<td><strong>${cell}</strong></td>` : i === cells.length - 1 && verdictClass(r) ? html`<td class="${verdictClass(r)}">${cell}</td>` : html`<td>${cell}</td>`,
    )}</tr>\n`,
)}</tbody></table></div>`;
}

/**
 * A standalone HTML page for a comparison. `a` and `b` are the songs and
 * `options` the roots given to compareScores, so the charts show the songs the
 * statistics used (the pairs, when paired).
 */
export function comparisonReportHtml(c: Comparison, a: readonly ScoredSong[], b: readonly ScoredSong[], options: Pick<CompareOptions, 'rootA' | 'rootB'> = {}): string {
  const pairing = pairSongs([...a], [...b], options.rootA, options.rootB);
  if (c.paired && pairing.pairs.length !== c.pairs) {
    throw new RangeError(`the songs pair up ${pairing.pairs.length} times, the comparison ${c.pairs}: give the songs and roots given to compareScores`);
  }
  const used = c.paired ? { a: pairing.pairs.map((p) => p.a), b: pairing.pairs.map((p) => p.b) } : { a, b };
  const columnsA = used.a.map((s) => labelScores(s, c.labels));
  const columnsB = used.b.map((s) => labelScores(s, c.labels));
  const names = [...c.labels, 'overall'];
  const threshold = (label: string) => {
    const first = a[0]!;
    return first.thresholds[first.labels.indexOf(label)] ?? Number.NaN;
  };
  const sameModel = JSON.stringify(c.a.models) === JSON.stringify(c.b.models);
  const keyOf = new Map(pairing.pairs.map((p, i) => [p.a.file, { key: p.key, i }]));

  const distributions = names.map((label, k) =>
    histogram(
      `${label}: songs per score in A and B`,
      [
        { name: 'A', tone: 'a', values: columnsA.map((v) => v[k]!) },
        { name: 'B', tone: 'b', values: columnsB.map((v) => v[k]!) },
      ],
      threshold(label),
    ),
  );
  const scatters = c.paired
    ? names.map((label, k) => pairedScatter(`${label}: A against B per song`, pairing.pairs.map((p, i) => ({ name: p.key, a: columnsA[i]![k]!, b: columnsB[i]![k]! }))))
    : [];
  const changed = c.mostChanged.map((m) => {
    const pair = keyOf.get(m.fileA);
    const overall = names.length - 1;
    return html`<tr><td class="song">${pair?.key ?? m.fileB}</td><td>${pair ? score2(columnsA[pair.i]![overall]!) : ''}</td><td>${pair ? score2(columnsB[pair.i]![overall]!) : ''}</td><td class="${m.diff > 0 ? 'better' : m.diff < 0 ? 'worse' : ''}">${m.diff > 0 ? '▲' : m.diff < 0 ? '▼' : ''} ${signed(m.diff)}</td></tr>\n`;
  });

  const body = html`<h1>HEAR comparison: ${c.b.name} (B) vs ${c.a.name} (A)</h1>
<p class="sub">B: ${c.b.songs} songs · A: ${c.a.songs} songs · ${sameModel ? `scored by ${modelNames(c.a.models)}` : `A scored by ${modelNames(c.a.models)}; B scored by ${modelNames(c.b.models)}`}.</p>
${c.warnings.map((w) => html`<p class="warning" role="note"><strong>Warning:</strong> ${w}</p>`)}
<p class="headline"><strong>Verdict:</strong> ${c.summary}</p>
<h2>Per dimension</h2>
${verdictTable(c)}
<p class="note">${pairingLine(c)} ${c.resamples} bootstrap resamples (seed ${c.seed}); p-values of the dimensions Holm-corrected across ${c.labels.length}; verdicts at alpha ${c.alpha}.</p>
<h2>Distributions</h2>
<div class="charts">
${distributions}
</div>
${c.paired ? html`<h2>A against B per song</h2>\n<div class="charts">\n${scatters}\n</div>` : ''}
${
  c.mostChanged.length
    ? html`<h2>Songs that changed most</h2>
<table><thead><tr><th>Song</th><th>A overall</th><th>B overall</th><th>B − A</th></tr></thead><tbody>
${changed}</tbody></table>`
    : ''
}`;
  return page(`HEAR comparison: ${c.b.name} vs ${c.a.name}`, body);
}
