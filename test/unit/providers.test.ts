// Which execution providers the engine tries, and how many songs it runs at once on each.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { concurrentSongs, providerCandidates } from '../../src/core/runtime/providers';
import type { ProviderReport } from '../../src/core/types';

const ran = (active: ProviderReport['active']): ProviderReport => ({ requested: 'auto', active, attempts: [{ provider: active, ok: true }] });

describe('execution providers', () => {
  test('auto tries the platform GPU providers, then cpu; an explicit choice is tried alone', () => {
    assert.deepEqual(providerCandidates('auto', 'linux'), ['cuda', 'webgpu', 'cpu']);
    assert.deepEqual(providerCandidates('auto', 'win32'), ['dml', 'webgpu', 'cpu']);
    assert.deepEqual(providerCandidates('auto', 'darwin'), ['coreml', 'webgpu', 'cpu']);
    assert.deepEqual(providerCandidates('webgpu', 'linux'), ['webgpu']);
  });

  test('the CPU runs as many songs at once as jobs asked', () => {
    assert.equal(concurrentSongs(1, 'cpu'), 1);
    assert.equal(concurrentSongs(3, 'cpu'), 3);
    assert.equal(concurrentSongs(4, 'auto', ran('cpu'), 'linux'), 4);
  });

  test('a GPU provider runs one song at a time, asked for or reached by auto', () => {
    for (const choice of ['webgpu', 'cuda', 'dml', 'coreml'] as const) assert.equal(concurrentSongs(4, choice), 1, choice);
    assert.equal(concurrentSongs(4, 'auto', ran('webgpu')), 1);
    assert.equal(concurrentSongs(4, 'auto', ran('dml')), 1);
  });

  test('auto counts as a GPU until a worker reports the provider it got, then as what it got', () => {
    // Outside Linux there is no device-node check: a GPU may be there.
    assert.equal(concurrentSongs(4, 'auto', undefined, 'win32'), 1);
    assert.equal(concurrentSongs(4, 'auto', undefined, 'darwin'), 1);
    assert.equal(concurrentSongs(4, 'auto', ran('cpu'), 'win32'), 4);
  });
});
