// How scores read in the Songs view, the Explorer badges and the exports.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { badgeOf, bandOf, folderDescription, folderStats, songDescription, songTooltip } from '../../src/extension/format';
import { exportScores } from '../../src/extension/export-scores';
import { parseFromWebview, parseReportState } from '../../src/webview/protocol';
import { songScore } from './extension-helpers';

describe('badges and bands', () => {
  test('a badge is at most two characters: star when top-tier, else the whole part and "+" from .5', () => {
    assert.equal(badgeOf(songScore('/a.wav', [4.2, 4.1, 3.9, 3.8, 4.0])), '★');
    assert.equal(badgeOf(songScore('/a.wav', [3.4, 3.4, 3.4, 3.4, 3.4])), '3');
    assert.equal(badgeOf(songScore('/a.wav', [3.5, 3.5, 3.5, 3.5, 3.5])), '3+');
    assert.equal(badgeOf(songScore('/a.wav', [4.9, 4.9, 4.9, 4.9, 3.9])), '4+');
    assert.equal(badgeOf(songScore('/a.wav', [1, 1, 1, 1, 1])), '1');
  });

  test('bands follow the thresholds: all, some or none of the five reached', () => {
    assert.equal(bandOf(songScore('/a.wav', [4, 4, 3.75, 3.75, 4])), 'top');
    assert.equal(bandOf(songScore('/a.wav', [3.73, 3.47, 2.63, 3.83, 3.48])), 'some');
    assert.equal(bandOf(songScore('/a.wav', [3.99, 3.99, 3.74, 3.74, 3.99])), 'none');
  });

  test('the description shows the overall score and a star when top-tier', () => {
    assert.equal(songDescription(songScore('/a.wav', [3.73, 3.47, 2.63, 3.83, 3.48])), '3.43');
    assert.equal(songDescription(songScore('/a.wav', [4, 4, 4, 4, 4])), '4.00 ★');
  });

  test('the tooltip lists every dimension against its threshold and flags a proxy model', () => {
    const md = songTooltip(songScore('/a/b_c.wav', [3.73, 3.47, 2.63, 3.83, 3.48]), 'b_c.wav');
    assert.match(md, /^\*\*b\\_c\\\.wav\*\* — overall 3\.43\n/);
    assert.ok(md.includes('| Coherence | 3.73 | 4.00 |  |'));
    assert.ok(md.includes('| Clarity | 3.83 | 3.75 | ✓ |'));
    assert.ok(md.includes('Proxy model: Random weights\\.'));
    assert.ok(!songTooltip(songScore('/a.wav', [3, 3, 3, 3, 3], { proxy: false }), 'a.wav').includes('Proxy'));
  });

  test('a folder counts songs, its mean, top-tier songs, unscored and failed ones', () => {
    const scores = new Map([
      ['/f/a.wav', songScore('/f/a.wav', [4, 4, 4, 4, 4])],
      ['/f/b.wav', songScore('/f/b.wav', [3, 3, 3, 3, 3])],
    ]);
    const stats = folderStats(['/f/a.wav', '/f/b.wav', '/f/c.wav', '/f/d.wav'], (f) => scores.get(f), (f) => f === '/f/d.wav');
    assert.deepEqual(stats, { songs: 4, scored: 2, failed: 1, mean: 3.5, topTier: 1 });
    assert.equal(folderDescription(stats), '4 songs · mean 3.50 · 1 ★ · 1 unscored · 1 failed');
    assert.equal(folderDescription({ songs: 1, scored: 0, failed: 0, mean: undefined, topTier: 0 }), '1 song · 1 unscored');
  });
});

describe('export', () => {
  const full = { id: 'hear', name: 'HEAR', version: '1.0.0', proxy: false };
  const scores = [songScore('/m/b, "live".wav', [3.73, 3.47, 2.63, 3.83, 3.48]), { ...songScore('/m/a.wav', [4, 4, 4, 4, 4]), model: full }];

  test('CSV: one row a song in file order, quoted where needed, parsed back', () => {
    const lines = exportScores(scores, 'csv').trim().split('\n');
    assert.equal(lines[0], 'file,overall,Coherence,Musicality,Memorability,Clarity,Naturalness,top_tier,model,model_version,proxy,provider,scored_at');
    assert.equal(lines[1], '/m/a.wav,4.0000,4.0000,4.0000,4.0000,4.0000,4.0000,true,hear,1.0.0,false,cpu,2026-11-26T06:00:00.000Z');
    assert.ok(lines[2].startsWith('"/m/b, ""live"".wav",3.4280,3.7300,'));
  });

  test('JSON round-trips the results', () => {
    const back = JSON.parse(exportScores(scores, 'json')) as typeof scores;
    assert.deepEqual(back.map((s) => s.file), ['/m/a.wav', '/m/b, "live".wav']);
    assert.deepEqual(back[1].scores, scores[0].scores);
  });

  test('Markdown: a table relative to the workspace, stars, and the model with its proxy flag', () => {
    const md = exportScores(scores, 'markdown', '/m');
    const lines = md.split('\n');
    assert.equal(lines[0], '| Song | Overall | Coherence | Musicality | Memorability | Clarity | Naturalness | Top-tier |');
    assert.equal(lines[2], '| a.wav | 4.00 | 4.00 ★ | 4.00 ★ | 4.00 ★ | 4.00 ★ | 4.00 ★ | ★ |');
    assert.equal(lines[3], '| b, "live".wav | 3.43 | 3.73 | 3.47 | 2.63 | 3.83 ★ | 3.48 |  |');
    assert.ok(md.includes('Scored with HEAR 1.0.0, Tiny HEAR 0.1.0 (proxy model);'));
  });
});

describe('webview messages', () => {
  test('only well-formed messages pass', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'score', force: true, extra: 1 }), { type: 'score', force: true });
    assert.equal(parseFromWebview({ type: 'score', force: 'yes' }), undefined);
    assert.equal(parseFromWebview({ type: 'eval', code: 'x' }), undefined);
    assert.equal(parseFromWebview('ready'), undefined);
    assert.equal(parseFromWebview(null), undefined);
  });

  test('the saved panel state must name a file', () => {
    assert.deepEqual(parseReportState({ file: '/a.wav' }), { file: '/a.wav' });
    assert.equal(parseReportState({ file: '' }), undefined);
    assert.equal(parseReportState({ file: 42 }), undefined);
    assert.equal(parseReportState(undefined), undefined);
  });
});
