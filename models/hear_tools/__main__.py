"""Command line: /usr/bin/python3 -m hear_tools COMMAND ... (run from models/)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hear_tools",
                                     description="HEAR model bundles: convert, validate, fixtures, benchmark.")
    commands = parser.add_subparsers(dest="command", required=True)

    convert = commands.add_parser("convert-head",
                                  help="released checkpoint (track_1.pth / track_2.pth) -> head-only bundle")
    convert.add_argument("--checkpoint", type=Path, required=True)
    convert.add_argument("--track", type=int, choices=(1, 2), required=True)
    convert.add_argument("--out", type=Path, required=True, help="bundle folder to create (must be empty or absent)")
    convert.add_argument("--int8", action="store_true", help="quantise MatMul weights to int8 (dynamic)")
    convert.add_argument("--id", dest="bundle_id", help="bundle id (default hear-trackN)")
    convert.add_argument("--version", default="1.0.0")
    convert.add_argument("--license", default="Apache-2.0", help="licence of the checkpoint (SPDX id)")

    validate = commands.add_parser("validate", help="check a bundle folder against the schema and its files")
    validate.add_argument("folder", type=Path)

    fixtures = commands.add_parser("make-fixtures", help="(re)generate the test fixtures, seeded and deterministic")
    fixtures.add_argument("--out", type=Path, required=True)

    bench = commands.add_parser("bench-head",
                                help="ORT (Node) vs PyTorch latency and memory of a full-size head, T=4500")
    bench.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    bench.add_argument("--frames", type=int, default=4500)
    bench.add_argument("--repeat", type=int, default=3)

    args = parser.parse_args(argv)

    if args.command == "convert-head":
        from .convert import convert_head
        from .head import CheckpointError

        try:
            deviation = convert_head(args.checkpoint, args.track, args.out, args.int8, args.license, args.bundle_id,
                                     args.version)
        except (CheckpointError, FileExistsError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        print(f"wrote {args.out}")
        if deviation is not None:
            print(f"int8: max |score - fp32 PyTorch| = {deviation:.3g} on a seeded random input [1, 1500, 4096]")
        return 0
    if args.command == "validate":
        from .bundle import validate_bundle

        problems = validate_bundle(args.folder)
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print(f"{args.folder}: valid")
        return 1 if problems else 0
    if args.command == "make-fixtures":
        from .fixtures import make_fixtures

        for path in make_fixtures(args.out):
            print(path)
        return 0
    if args.command == "bench-head":
        from .bench import bench_head, format_table

        report = bench_head(args.frames, args.repeat)
        print(json.dumps(report, indent=2) if args.json else format_table(report))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
