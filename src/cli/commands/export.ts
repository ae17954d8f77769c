// `hear export`: one song's segment scores as DAW markers, so a producer can
// jump to the weak passages (an Audacity label track or REAPER regions), or a
// standalone HTML report of one song or of every song in the results.
import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { audacityLabels } from '../../core/exports/audacity';
import { folderReportHtml, songReportHtml } from '../../core/exports/html-report';
import { reaperRegions } from '../../core/exports/reaper';
import { fileStem, readPredictions, type ScoredSong } from '../../core/labels';
import { EXIT } from '../exit';

const FORMATS = { audacity: audacityLabels, reaper: reaperRegions, html: songReportHtml } as const;

/** The song a user named: its scored path, that path resolved, its file name, or its stem. */
function pickSong(songs: ScoredSong[], name: string | undefined): ScoredSong[] {
  if (name === undefined) return songs;
  const tests = [
    (s: ScoredSong) => s.file === name || s.file === resolve(name),
    (s: ScoredSong) => basename(s.file) === basename(name),
    (s: ScoredSong) => fileStem(s.file) === fileStem(name),
  ];
  for (const test of tests) {
    const found = songs.filter(test);
    if (found.length > 0) return found;
  }
  return [];
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("Export a song's segment scores as DAW markers (an Audacity label track or REAPER regions), or an HTML report of a song or of all the results.")
    .argument('<results>', 'results written by hear score: --json or --jsonl (with segment scores, which markers need) or --csv')
    .argument('[song]', 'which song of the results (path, file name or stem); needed for markers when there are several; html without it reports them all')
    .requiredOption('--format <format>', 'audacity (label track .txt), reaper (region CSV) or html (standalone report)')
    .option('--out <file>', 'write here instead of standard output')
    .action(async (results: string, song: string | undefined, options: { format: string; out?: string }, command: Command) => {
      const write = FORMATS[options.format as keyof typeof FORMATS];
      if (!write) command.error(`hear export: --format must be audacity, reaper or html, not "${options.format}"`, { exitCode: EXIT.usage });
      const { songs, failures } = await readPredictions(results);
      let text: string;
      if (options.format === 'html' && song === undefined) {
        text = folderReportHtml(songs, { title: results, failures });
      } else {
        const found = pickSong(songs, song);
        if (found.length !== 1) {
          const why = found.length === 0 ? (song ? `no song "${song}" in` : 'no songs in') : `${found.length} songs match in`;
          command.error(`hear export: ${why} ${results}; name one of: ${songs.slice(0, 5).map((s) => basename(s.file)).join(', ')}`, { exitCode: EXIT.usage });
        }
        text = write({ ...found[0]!, segments: found[0]!.segments ?? [] });
      }
      if (options.out) await writeFile(options.out, text);
      else process.stdout.write(text);
    });
}
