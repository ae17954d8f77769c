// The report panel: the webview shows the five dimensions and the segment
// timeline, and a click on a segment seeks the player. Left open for the reload suite.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { demoSong, hear } from './api';
import { available as harness, queryWebview } from './harness';
import { reportDom } from './report-dom';

describe('report panel', function () {
  this.timeout(60_000);

  it('opens on a scored song and shows the five dimensions and the timeline', async function () {
    const api = await hear();
    const score = api.results.score(demoSong());
    assert.ok(score, 'the scoring suite scores the demo song first');
    await vscode.commands.executeCommand('hear.showReport', vscode.Uri.file(demoSong()));
    assert.equal(api.reportFile(), demoSong());
    if (!harness) this.skip();
    const dom = await reportDom();
    assert.deepEqual(dom.dimensions.texts, score.labels);
    assert.equal(dom.segments.count, score.segments.length);
    assert.equal(dom.waveform.count, 1);
    assert.equal(dom.chart.count, 1);
    assert.equal(dom.player.count, 1);
    assert.equal(dom.proxy.count, 1, 'the proxy flag is shown');
    for (const fact of ['Duration', 'Format', 'Sample rate', 'Channels', 'Model', 'Execution provider', 'Time taken']) {
      assert.ok(dom.facts.texts.includes(fact), `fact ${fact} missing from ${dom.facts.texts.join(', ')}`);
    }
  });

  it('seeks the player to a segment when it is clicked', async function () {
    if (!harness) this.skip();
    const score = (await hear()).results.score(demoSong())!;
    const r = await queryWebview('#hear-report', {}, '#timeline .segment:nth-child(2)', 'document.getElementById("player").currentTime');
    // The click seeks, then plays: by the time the page answers, playback may have moved a little further.
    const at = r.results.evaluate as number;
    const start = score.segments[1].start;
    assert.ok(at >= start && at < start + 2, `player at ${at} s after a click on the segment starting at ${start} s`);
  });
});
