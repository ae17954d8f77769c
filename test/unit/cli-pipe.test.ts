// `hear ... | head`: the reader closes the pipe before the CLI has written its output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './cli-helpers';

describe('hear writing to a closed pipe', () => {
  it('exits 0 without an error or a stack trace', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), 'eval', '--help'], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
    });
    child.stdout.destroy(); // before the CLI has started: its first write meets a closed pipe
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
