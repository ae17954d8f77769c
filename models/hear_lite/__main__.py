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
    corpus.add_argument("--packages", nargs="*",
                        help="only these ALLOWED packages (default: all of them, then the MIDI and mma tiers)")
    feats = commands.add_parser("features", help="cache the features of every planned example (resumable)")
    feats.add_argument("--work", type=Path, required=True)
    train = commands.add_parser("train", help="train the head on cached features (resumable)")
    train.add_argument("--work", type=Path, required=True)
    train.add_argument("--run", type=Path, required=True, help="run folder: checkpoints and log")
    train.add_argument("--epochs", type=int)
    train.add_argument("--lr", type=float)
    train.add_argument("--streams", type=int, nargs="+", help="stream indices to keep (ablation)")
    train.add_argument("--no-cmixup", action="store_true")
    train.add_argument("--no-listmle", action="store_true")
    smoke = commands.add_parser("smoke", help="CI: train a few steps on synthetic songs, export, validate")
    smoke.add_argument("--out", type=Path, required=True, help="empty folder for the smoke bundle")
    args = parser.parse_args(argv)
    log = lambda m: print(m, flush=True)

    if args.command == "corpus":
        from .corpus import build, write_corpus
        from .tiers import build_tiers
        build(args.work, args.packages, log=log)
        if not args.packages:
            build_tiers(args.work, log=log)
        summary = write_corpus(args.work)
        print(f"corpus: {len(summary['tracks'])} tracks, hours {summary['hours']}")
    elif args.command == "features":
        from .features import extract, load_plan
        examples, wav_of = load_plan(args.work)
        made = extract(args.work, examples, wav_of, log)
        print(f"features: {made} made, {len(examples)} planned")
    elif args.command == "train":
        from .features import load_plan
        from .train import TrainConfig, train as run_training
        examples, _ = load_plan(args.work)
        cached = [e for e in examples if (args.work / "features" / e.cache_name).exists()]
        cfg = TrainConfig(**{k: v for k, v in (("epochs", args.epochs), ("lr", args.lr)) if v is not None})
        if args.streams:
            cfg.streams = tuple(args.streams)
        cfg.cmixup, cfg.listmle = not args.no_cmixup, not args.no_listmle
        log(f"train: {len(cached)} of {len(examples)} planned examples are cached")
        run_training(args.work, args.run, [e for e in cached if e.split == "train"],
                     [e for e in cached if e.split == "validation"], cfg, log)
    elif args.command == "smoke":
        from .smoke import run
        run(args.out, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
