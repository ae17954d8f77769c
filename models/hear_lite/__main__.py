"""Command line: `cd models && /usr/bin/python3 -m hear_lite corpus --work /work/hear-lite-work`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def shard(text: str) -> tuple[int, int]:
    """`--shard K/N` as (K, N); extract() checks that K is below N."""
    try:
        k, n = (int(v) for v in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not K/N (two whole numbers, e.g. 0/2)") from None
    return k, n


def rebuild_steps(work: Path, run: Path, epochs: int | None) -> list[list[str]]:
    """The commands `rebuild` runs: the corpus, the features, then one training per head of the ensemble."""
    from .train import ENSEMBLE
    members = [["train", "--work", str(work), "--run", str(run / f"m{k}"), "--seed", str(m["seed"]),
                "--end-crops", str(m["end_crops"]), *(["--epochs", str(epochs)] if epochs else [])]
               for k, m in enumerate(ENSEMBLE)]
    return [["corpus", "--work", str(work)], ["features", "--work", str(work)], *members]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hear_lite", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    corpus = commands.add_parser("corpus", help="download the ALLOWED Debian packages and decode their music")
    corpus.add_argument("--work", type=Path, required=True, help="work directory outside the repository")
    corpus.add_argument("--packages", nargs="*",
                        help="only these ALLOWED packages (default: all of them, then the MIDI and mma tiers)")
    feats = commands.add_parser("features", help="cache the features of every planned example (resumable)")
    feats.add_argument("--work", type=Path, required=True)
    feats.add_argument("--no-augment", action="store_true",
                       help="cache the training copies unaugmented (work/features-plain/, for the ablation)")
    feats.add_argument("--shard", type=shard, default=(0, 1), metavar="K/N",
                       help="make only every N-th example, from the K-th: run N of these side by side")
    train = commands.add_parser("train", help="train the head on cached features (resumable)")
    train.add_argument("--work", type=Path, required=True)
    train.add_argument("--run", type=Path, required=True, help="run folder: checkpoints and log")
    train.add_argument("--epochs", type=int)
    train.add_argument("--seed", type=int, help="seed of the initial weights, batches and crops (default 0)")
    train.add_argument("--end-crops", type=float, metavar="SHARE",
                       help="share of the song groups cropped at the song's end (default 0)")
    train.add_argument("--lr", type=float)
    train.add_argument("--crop-frames", type=int, help="frames per training crop (default 750 = 30 s)")
    train.add_argument("--val-frames", type=int, help="frames of each validation example scored")
    train.add_argument("--streams", type=int, nargs="+", help="stream indices to keep (ablation)")
    train.add_argument("--no-form", action="store_true", help="leave out the harmony source's form columns")
    train.add_argument("--no-cmixup", action="store_true")
    train.add_argument("--no-listmle", action="store_true")
    train.add_argument("--within-song", type=float, metavar="WEIGHT",
                       help="weight of the within-song ranking term "
                            "(default: within_song.WEIGHT; 0: HEAR's loss alone)")
    train.add_argument("--no-augment", action="store_true", help="train on the unaugmented cache (ablation)")
    check = commands.add_parser("check", help="degradation check of a trained head on held-out tracks")
    check.add_argument("--work", type=Path, required=True)
    check.add_argument("--checkpoint", type=Path, nargs="+", required=True,
                       help="best.pt of a training run; several: their ensemble")
    check.add_argument("--tracks", type=int, default=20, help="held-out produced tracks to use")
    check.add_argument("--skip", type=int, default=0,
                       help="leave out the first SKIP of them (in sha256 order): a fresh set beside the first 20")
    check.add_argument("--seconds", type=float,
                       help="score only the first SECONDS of each track (default: whole tracks; a cut track "
                            "stops dead, which is the cut_ending damage itself)")
    check.add_argument("--out", type=Path, help="also write the report here (JSON)")
    export = commands.add_parser("export", help="write the HEAR-Lite bundle from training runs' best.pt")
    export.add_argument("--checkpoint", type=Path, nargs="+", required=True,
                        help="best.pt of a training run; several: one head.onnx scoring their mean")
    export.add_argument("--out", type=Path, required=True, help="empty bundle folder, e.g. models/hear-lite")
    export.add_argument("--version", required=True)
    export.add_argument("--golden", type=Path,
                        help="also write the PyTorch reference scores of test/fixtures/audio/song-75s.wav here (JSON)")
    rebuild = commands.add_parser("rebuild", help="corpus, features and training in one go (resumable; hours)")
    rebuild.add_argument("--work", type=Path, required=True)
    rebuild.add_argument("--run", type=Path, required=True, help="folder of the ensemble's training runs (m0, m1)")
    rebuild.add_argument("--epochs", type=int, help="training epochs (default: the recipe's)")
    evalset = commands.add_parser("evalset", help="write the validation examples + metadata.jsonl for hear eval")
    evalset.add_argument("--work", type=Path, required=True)
    evalset.add_argument("--out", type=Path, required=True)
    table = commands.add_parser("ablations", help="the model card's ablation table from training runs (markdown)")
    table.add_argument("--runs", type=Path, nargs="+", required=True, help="run folders, the full recipe first")
    table.add_argument("--epoch", type=int, required=True, help="compare every run at this epoch")
    checked = commands.add_parser("check-table", help="the model card's degradation-check table (markdown)")
    checked.add_argument("--report", type=Path, required=True, help="a report written by check --out")
    material = commands.add_parser("corpus-table", help="the model card's training-material table (markdown)")
    material.add_argument("--work", type=Path, required=True)
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
        from .features import extract, load_plan, without_augmentation
        examples, wav_of = load_plan(args.work)
        if args.no_augment:
            examples = without_augmentation([e for e in examples if e.split == "train"])
        made = extract(args.work, examples, wav_of, log, shard=args.shard)
        print(f"features: {made} made, {len(examples)} planned")
    elif args.command == "rebuild":
        for step in rebuild_steps(args.work, args.run, args.epochs):
            log(f"== hear_lite {' '.join(step)}")
            main(step)
    elif args.command == "export":
        from .export import export_bundle
        from .train import load_head
        head, _, saved = load_head(args.checkpoint)
        names = [p.parent.name for p in args.checkpoint]  # the run folders; whole paths where two share a name
        names = names if len(set(names)) == len(names) else [str(p) for p in args.checkpoint]
        runs = ", ".join(f"epoch {s['epoch']} of run {n}" for n, s in zip(names, saved))
        export_bundle(head, args.out, bundle_id="hear-lite", name="HEAR-Lite", version=args.version,
                      provenance=f"Trained here with the HEAR recipe on proxy targets (models/hear_lite): {runs}"
                                 + (", scored as their mean" if len(saved) > 1 else ""),
                      description="Small default model: HEAR's head on two frozen DSP sources, proxy targets.",
                      metrics={f"validation (proxy targets, PyTorch), {n}": s["metrics"] for n, s in zip(names, saved)})
        print(f"bundle written to {args.out}")
        if args.golden:
            from .export import write_golden
            write_golden(head, args.out, args.golden)
            print(f"reference scores written to {args.golden}")
    elif args.command == "train":
        from .features import feature_path, load_plan, without_augmentation
        from .train import TrainConfig, train as run_training
        examples, _ = load_plan(args.work)
        if args.no_augment:
            examples = without_augmentation(examples)
        cached = [e for e in examples if feature_path(args.work, e).exists()]
        given = {"epochs": args.epochs, "lr": args.lr, "crop_frames": args.crop_frames, "val_frames": args.val_frames,
                 "within_song": args.within_song, "seed": args.seed, "end_crops": args.end_crops}
        cfg = TrainConfig(**{k: v for k, v in given.items() if v is not None})
        if args.streams:
            cfg.streams = tuple(args.streams)
        cfg.cmixup, cfg.listmle, cfg.augment = not args.no_cmixup, not args.no_listmle, not args.no_augment
        cfg.form = not args.no_form
        log(f"train: {len(cached)} of {len(examples)} planned examples are cached")
        run_training(args.work, args.run, [e for e in cached if e.split == "train"],
                     [e for e in cached if e.split == "validation"], cfg, log)
    elif args.command == "check":
        import json
        import torch
        from .check import degradation_check, held_out_tracks, track_audio, verdict
        from .model import build_sources, stream_features
        from .sources import SAMPLE_RATE
        from .train import load_head
        head, columns, saved = load_head(args.checkpoint)
        sources = build_sources()
        corpus = json.loads((args.work / "corpus.json").read_text())
        held_out = held_out_tracks(corpus["tracks"], args.tracks, args.skip)
        audio = track_audio(args.work, held_out, args.seconds)
        @torch.no_grad()
        def score(a):
            return head(torch.from_numpy(stream_features(sources, a)[None][:, :, columns])).numpy()[0]
        report = degradation_check(score, audio, SAMPLE_RATE)
        print(json.dumps(report, indent=1))
        if args.out:
            args.out.write_text(json.dumps({"checkpoints": [str(p) for p in args.checkpoint],
                                            "epochs": [s["epoch"] for s in saved],
                                            "skip": args.skip, "tracks": [t["track_id"] for t in held_out],
                                            "seconds": args.seconds,
                                            "families": report}, indent=1) + "\n")
        misses = verdict(report)
        print("every family meets both goals" if not misses else "\n".join(["goals missed:", *misses]))
    elif args.command == "evalset":
        from .evalset import write_evalset
        from .features import load_plan
        examples, wav_of = load_plan(args.work)
        made = write_evalset(args.out, examples, wav_of, log)
        print(f"evalset: {made} files made in {args.out}")
    elif args.command == "ablations":
        from .report import ablation_table
        print(ablation_table(args.runs, args.epoch))
    elif args.command == "check-table":
        import json
        from .report import check_table
        print(check_table(json.loads(args.report.read_text())["families"]))
    elif args.command == "corpus-table":
        import json
        from .report import corpus_table
        print(corpus_table(json.loads((args.work / "corpus.json").read_text())))
    elif args.command == "smoke":
        from .smoke import run
        run(args.out, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
