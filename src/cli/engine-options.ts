// What `hear score` and `hear models` share: where bundles and stored scores live, and colour.
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Extra bundle folders from $HEAR_BUNDLE_PATH (path-list, like PATH), searched after the package's models/. */
export function bundleRootsFromEnv(): string[] {
  return (process.env.HEAR_BUNDLE_PATH ?? '').split(delimiter).filter((p) => p !== '');
}

/** $XDG_CACHE_HOME/hear, else ~/.cache/hear. */
export function defaultStoreDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hear');
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function useColour(stream: NodeJS.WriteStream): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR;
}

export function paint(on: boolean, code: number, text: string): string {
  return on ? `\x1b[${code}m${text}\x1b[0m` : text;
}
