// Builds the folder the host tests open: fixture songs in two folders, one corrupt
// file, two checkpoints' runs of the same prompts (for Compare Folders), a copy of
// the fixture bundle inside the workspace (for the Workspace Trust test and Inspect
// Model), and workspace settings pointing hear.model at the fixture bundle.
import { cpSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './code-server.mjs';

export const fixtureBundle = join(root, 'test/fixtures/tiny-hear');
const fixtureAudio = join(root, 'test/fixtures/audio');

export function makeWorkspace(dir, { settings = {} } = {}) {
  if (!existsSync(fixtureAudio) || !existsSync(fixtureBundle)) {
    throw new Error(`fixtures missing: ${fixtureAudio} and ${fixtureBundle} (npm run fixtures)`);
  }
  // demos/ holds the song the report tests open (three 30 s segments); album/ the
  // folder scored in one go, with the corrupt file.
  const demoSongs = ['song-75s.wav'];
  const albumSongs = ['short-8s.wav', 'tail-30s.wav'];
  const album = join(dir, 'album');
  const demos = join(dir, 'demos');
  mkdirSync(album, { recursive: true });
  mkdirSync(demos, { recursive: true });
  for (const w of demoSongs) cpSync(join(fixtureAudio, w), join(demos, w));
  for (const w of albumSongs) cpSync(join(fixtureAudio, w), join(album, w));
  // A RIFF header that promises audio and stops: a decoder must refuse it.
  writeFileSync(join(album, 'zz-broken.wav'), Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00garbage', 'latin1'));
  // checkpoints/a and checkpoints/b: the same three prompt names, so the songs pair up
  // by relative path; B's songs are other fixture songs, so their scores differ.
  const prompts = ['prompt-1.wav', 'prompt-2.wav', 'prompt-3.wav'];
  const runA = ['short-8s.wav', 'tail-30s.wav', 'song-75s.wav'];
  const runB = ['tail-30s.wav', 'song-75s.wav', 'song-75s.wav'];
  for (const [run, sources] of [['a', runA], ['b', runB]]) {
    mkdirSync(join(dir, 'checkpoints', run), { recursive: true });
    prompts.forEach((p, i) => cpSync(join(fixtureAudio, sources[i]), join(dir, 'checkpoints', run, p)));
  }
  writeFileSync(join(dir, 'notes.txt'), 'not audio\n');
  cpSync(fixtureBundle, join(dir, 'models/tiny-hear'), { recursive: true });
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(join(dir, '.vscode/settings.json'), JSON.stringify({
    'hear.model': fixtureBundle,
    'hear.threads': 1,
    ...settings,
  }, null, 2));
}
