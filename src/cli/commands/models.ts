// `hear models list|info|verify`: the bundles found, what one holds, and whether it is intact.
import type { Command } from 'commander';
import { join } from 'node:path';
import Table from 'cli-table3';
import { HashCache, loadBundle, resolveBundleDir } from '../../core/bundle';
import { DEFAULT_MODEL_ID, defaultModelInstalled, listBundles, modelInfo, searchRoots, type ModelInfo } from '../../core';
import { EXIT } from '../exit';
import { bundleRootsFromEnv, defaultStoreDir } from '../engine-options';

async function load(ref: string, forceHash: boolean): Promise<ModelInfo> {
  const dir = await resolveBundleDir(ref, searchRoots(bundleRootsFromEnv()));
  const cache = forceHash ? new HashCache() : new HashCache(join(defaultStoreDir(), 'verified-files.json'));
  return modelInfo(await loadBundle(dir, cache, forceHash));
}

function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

function infoText(m: ModelInfo): string {
  const scales = m.scales.map((s) => (s.kind === 'track' ? `${s.id} (whole track)` : `${s.id} (${s.windowSeconds} s windows, ${s.hopSeconds} s hop)`));
  const lines = [
    `${m.name}`,
    `  id, version   ${m.id} ${m.version}`,
    ...(m.description ? [`  description   ${m.description}`] : []),
    `  folder        ${m.dir}`,
    `  task          SongEval track ${m.track}`,
    `  labels        ${m.labels.map((l, i) => `${l} (top tier >= ${m.thresholds[i]})`).join(', ')}`,
    `  proxy         ${m.proxy ? `yes: ${m.proxyNote ?? 'not trained on human ratings'}` : 'no (trained on human ratings)'}`,
    `  input         ${m.input === 'audio' ? `audio, mono ${m.sampleRate} Hz; ${m.frameRate} frames/s` : `.npy features; ${m.frameRate} frames/s`}`,
    ...(m.input === 'audio'
      ? [
          `  sources       ${m.sources.map((s) => `${s.id} (${s.file}, ${s.dim}-d)`).join(', ')}`,
          `  scales        ${scales.join(', ')}`,
          `  streams       ${m.streams.map((s) => `${s.source}@${s.scale}`).join(', ')}`,
        ]
      : []),
    `  files         (sha256 verified)`,
  ];
  for (const f of m.files) lines.push(`    ${f.path}  ${bytes(f.bytes)}  ${f.license}  sha256 ${f.sha256}`, `      ${f.provenance}`);
  return `${lines.join('\n')}\n`;
}

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('List, describe and verify model bundles.')
    .addHelpText(
      'after',
      `\nBundles are found by id in the package's models/ folder, then in $HEAR_BUNDLE_PATH.\nThe default model "${DEFAULT_MODEL_ID}" is ${defaultModelInstalled() ? 'installed' : 'not installed'}.`,
    );

  models
    .command('list')
    .description('Bundles found in the search folders.')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const roots = searchRoots(bundleRootsFromEnv());
      const found = await listBundles(roots);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ roots, bundles: found }, null, 2)}\n`);
        return;
      }
      if (found.length === 0) {
        process.stdout.write(`No bundles in ${roots.join(', ')}.\nThe default model "${DEFAULT_MODEL_ID}" is not installed: pass --model PATH to hear score.\n`);
        return;
      }
      const t = new Table({ head: ['id', 'version', 'task', 'proxy', 'path'], style: { head: [], border: [] } });
      for (const b of found) {
        t.push(b.problem ? ['?', '', '', '', `${b.dir} (${b.problem})`] : [b.id ?? '?', b.version ?? '?', b.track ? `track ${b.track}` : '?', b.proxy === undefined ? '?' : b.proxy ? 'yes' : 'no', b.dir]);
      }
      process.stdout.write(`${t.toString()}\n`);
    });

  models
    .command('info')
    .description('What a bundle holds: task, labels, thresholds, sources, scales, streams, files, licences, provenance.')
    .argument('<id|path>', 'bundle id, folder or manifest.json')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, options: { json?: boolean }) => {
      const info = await load(ref, false);
      process.stdout.write(options.json ? `${JSON.stringify(info, null, 2)}\n` : infoText(info));
    });

  models
    .command('verify')
    .description('Check a bundle against the schema and rehash every file; exit 1 with the reason on failure.')
    .argument('<id|path>', 'bundle id, folder or manifest.json')
    .action(async (ref: string) => {
      try {
        const info = await load(ref, true);
        process.stdout.write(`ok: ${info.id} ${info.version} (${info.dir}): manifest valid, ${info.files.length} files, sha256 verified\n`);
      } catch (err) {
        process.stderr.write(`hear models verify: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = EXIT.failed;
      }
    });
}
