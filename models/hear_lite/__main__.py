"""Command line: `cd models && /usr/bin/python3 -m hear_lite corpus --work /work/hear-lite-work`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hear_lite", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    corpus = commands.add_parser("corpus", help="download the ALLOWED Debian packages and decode their music")
    corpus.add_argument("--work", type=Path, required=True, help="work directory outside the repository")
    corpus.add_argument("--packages", nargs="*", help="only these packages (default: all ALLOWED)")
    args = parser.parse_args(argv)

    if args.command == "corpus":
        from .corpus import build
        summary = build(args.work, args.packages, log=lambda m: print(m, flush=True))
        print(f"corpus: {len(summary['tracks'])} tracks, hours {summary['hours']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
