// Exit codes of every `hear` subcommand.
export const EXIT = {
  /** Everything asked for was done. */
  ok: 0,
  /** Some inputs failed (each reported); the others were processed. */
  failed: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** `hear compare --fail-if-worse`: B is significantly worse. */
  worse: 3,
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it); `hear score` still writes what was scored. */
  interrupted: 130,
} as const;
