// Runs the `hear` CLI from sources as a child process, the way a user runs it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './engine-helpers';

export const repoRoot = join(__dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function hear(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), ...args],
      { cwd: repoRoot, env: { ...process.env, XDG_CACHE_HOME: tempDir('hear-cache-'), NO_COLOR: '1', HEAR_BUNDLE_PATH: '', ...env }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}
