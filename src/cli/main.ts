// The `hear` command line: one subcommand per module in ./commands.
import { Command, CommanderError } from 'commander';
import { registerScore } from './commands/score';
import { registerEval } from './commands/eval';
import { registerModels } from './commands/models';
import { registerCompare } from './commands/compare';
import { registerExport } from './commands/export';
import { EXIT } from './exit';

// A reader that goes away (`hear eval --help | head -3`) ends the command quietly, as Unix tools do, instead
// of an unhandled EPIPE error and its stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(EXIT.ok);
});

const program = new Command('hear')
  .description('Score songs on the five SongEval dimensions with the HEAR method.')
  .version(require('../../package.json').version)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

registerScore(program);
registerEval(program);
registerModels(program);
registerCompare(program);
registerExport(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // --help and --version end here with exit code 0; usage mistakes with 2.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return;
  }
  process.stderr.write(`hear: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = EXIT.failed;
});
