#!/usr/bin/env node
// `npm run package [-- --target TARGET]`: a platform VSIX (linux-x64 by default)
// holding the bundled extension and CLI, only that platform's onnxruntime-node
// binaries, and the default model bundle (models/hear-lite) when it is there.
// Prints the file and its size.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TARGETS = {
  'linux-x64': ['linux', 'x64'],
  'linux-arm64': ['linux', 'arm64'],
  'darwin-arm64': ['darwin', 'arm64'],
  'win32-x64': ['win32', 'x64'],
  'win32-arm64': ['win32', 'arm64'],
};
const DEFAULT_MODEL = 'hear-lite';

const args = process.argv.slice(2);
const at = args.indexOf('--target');
const target = at >= 0 ? args[at + 1] : 'linux-x64';
if (!TARGETS[target]) {
  console.error(`unknown target ${target}; onnxruntime-node ships binaries for: ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}
const [platform, arch] = TARGETS[target];
const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const bin = 'node_modules/onnxruntime-node/bin/napi-v6';
if (!existsSync(join(root, bin, platform, arch))) {
  console.error(`onnxruntime-node has no ${platform}/${arch} binaries in ${bin}`);
  process.exit(2);
}

execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });

// .vscodeignore, then this platform's binaries and the default model back in.
const ignore = [readFileSync(join(root, '.vscodeignore'), 'utf8').trimEnd(), `!${bin}/${platform}/${arch}/**`];
const model = join(root, 'models', DEFAULT_MODEL);
if (existsSync(join(model, 'manifest.json'))) ignore.push(`!models/${DEFAULT_MODEL}/**`);
else console.warn(`warning: models/${DEFAULT_MODEL} is missing: the VSIX holds no default model (users pick one with HEAR: Select Model)`);

const scratch = mkdtempSync(join(tmpdir(), 'hear-vsix-'));
const ignoreFile = join(scratch, 'vscodeignore');
writeFileSync(ignoreFile, ignore.join('\n') + '\n');
const out = join(root, `${pkg.name}-${target}-${pkg.version}.vsix`);
// Without a repository URL vsce cannot make README.md's relative links absolute; keep them as they are.
const links = pkg.repository ? [] : ['--allow-missing-repository', '--no-rewrite-relative-links'];
try {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--target', target, '--ignoreFile', ignoreFile, ...links, '--out', out],
    { cwd: root, stdio: 'inherit' },
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const bytes = statSync(out).size;
console.log(`${out}: ${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} bytes), target ${target}`);
