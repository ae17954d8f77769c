// `hear compare` and `hear eval` as a user runs them: output formats, exit
// codes, usage errors. Each run is a child process with the command registered
// the way src/cli/main.ts registers it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DIMENSIONS, OFFICIAL_THRESHOLDS } from '../../src/core/types';

const ROOT = join(__dirname, '../..');

/** Runs `hear <args>` with only the eval and compare commands registered, as main.ts does. */
function hear(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const driver = `
    const { Command, CommanderError } = require('commander');
    const program = new Command('hear').exitOverride().configureOutput({ outputError: (t, w) => w(t) });
    require('./src/cli/commands/eval').registerEval(program);
    require('./src/cli/commands/compare').registerCompare(program);
    program.parseAsync(process.argv.slice(1), { from: 'user' }).catch((err) => {
      if (err instanceof CommanderError) { process.exitCode = err.exitCode === 0 ? 0 : 2; return; }
      process.stderr.write('hear: ' + err.message + '\\n');
      process.exitCode = 1;
    });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', driver, '--', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const scratch = mkdtempSync(join(tmpdir(), 'hear-cli-'));
const golden = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/stats/compare.json'), 'utf8')).cases[0] as { a: number[][]; b: number[][] };
const model = { id: 'hear-lite', name: 'HEAR-Lite', version: '0.1.0', proxy: true, proxyNote: 'trained on game music' };

function writeRun(name: string, scores: number[][]): string {
  const results = scores.map((s, i) => ({
    file: `/runs/${name}/prompt-${i}.wav`,
    labels: [...DIMENSIONS],
    thresholds: DIMENSIONS.map((d) => OFFICIAL_THRESHOLDS[d]),
    scores: s,
    model,
  }));
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, JSON.stringify({ results, failures: [] }, null, 2));
  return file;
}
const fileA = writeRun('ckpt-a', golden.a);
const fileB = writeRun('ckpt-b', golden.b);

describe('hear compare', () => {
  it('prints the table and exits 3 with --fail-if-worse when B is worse (Clarity here)', () => {
    const r = hear('compare', fileA, fileB, '--resamples', '1000', '--fail-if-worse', 'any');
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /Coherence .*better/);
    assert.match(r.stdout, /Clarity .*worse/);
    assert.match(r.stdout, /Paired: 60 songs/);
    assert.match(r.stdout, /warning: HEAR-Lite .* is a proxy model/);
    assert.match(r.stderr, /significantly worse \(any\)/);
  });

  it('--markdown for a pull request; a gate on a dimension that did not get worse exits 0', () => {
    const r = hear('compare', fileA, fileB, '--markdown', '--resamples', '1000', '--fail-if-worse', 'Musicality');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^### HEAR comparison: .*ckpt-b\.json \(B\) vs .*ckpt-a\.json \(A\)/);
    assert.match(r.stdout, /> \*\*Warning:\*\* HEAR-Lite/);
    assert.match(r.stdout, /\*\*Verdict:\*\* Overall: B better/);
  });

  it('--json is the comparison with every number; --seed makes it reproducible', () => {
    const one = JSON.parse(hear('compare', fileA, fileB, '--json', '--resamples', '500', '--seed', '9').stdout);
    assert.equal(one.rows.length, 6);
    assert.equal(one.seed, 9);
    assert.equal(one.paired, true);
  });

  it('a usage error exits 2', () => {
    assert.equal(hear('compare', fileA, fileB, '--fail-if-worse', 'groove').status, 2);
  });
});

describe('hear eval', () => {
  const EVAL = join(ROOT, 'test/fixtures/stats/eval');
  const expected = JSON.parse(readFileSync(join(EVAL, 'expected.json'), 'utf8'));

  it('prints the official table (3 decimals) with the system level, and notes unmatched songs', () => {
    const r = hear('eval', '--labels', join(EVAL, 'metadata.jsonl'), '--pred', join(EVAL, 'predictions.json'), '--system-key', 'system');
    assert.equal(r.status, 0, r.stderr);
    const coherence = expected.utterance.dimensions.Coherence;
    const cells = ['lcc', 'srcc', 'ktau', 'tta'].map((m) => (Math.round(coherence[m] * 1000) / 1000).toFixed(3));
    assert.match(r.stdout, new RegExp(`Coherence\\s*│ ${cells.join(' │ ')} │`));
    assert.match(r.stdout, /Utterance level \(48 songs\)/);
    assert.match(r.stdout, /System level \(6 systems by "system"/);
    assert.match(r.stderr, /1 labelled songs have no prediction \(matched by file stem\): mp3\/999\.mp3/);
  });

  it('--json --track 1 gives Musicality alone, unrounded and rounded', () => {
    const r = hear('eval', '--labels', join(EVAL, 'metadata.jsonl'), '--pred', join(EVAL, 'predictions.json'), '--track', '1', '--json');
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.dimensions, ['Musicality']);
    assert.ok(Math.abs(json.utterance.dimensions[0].values.lcc - expected.track1.lcc) < 1e-12);
    assert.equal(json.utterance.dimensions[0].rounded.lcc, Math.round(expected.track1.lcc * 1000) / 1000);
  });

  it('usage errors exit 2; a bad labels file exits 1 naming it', () => {
    assert.equal(hear('eval', '--labels', join(EVAL, 'metadata.jsonl')).status, 2);
    const bad = join(scratch, 'bad.jsonl');
    writeFileSync(bad, '{"file_name": "a.mp3"}\n');
    const r = hear('eval', '--labels', bad, '--pred', fileA);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.jsonl: no dimension/);
  });
});
