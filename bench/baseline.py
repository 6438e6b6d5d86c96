"""Command line of the committed regression baseline: check against it, or refresh it.

Usage::

    python -m bench.baseline check [--baseline DIR] [--n-jobs N]
    python -m bench.baseline refresh [--baseline DIR] [--n-jobs N] [--seeds N] [--epochs N]

``check`` reruns the baseline's configuration into a temporary folder and compares the result
with the committed baseline through ``bench.compare``. Its exit code is the comparison's: 0 when
nothing regressed, 1 on a regression, 2 on unusable input. ``refresh`` reruns it, prints the same
comparison so the change is visible, and then replaces the committed files.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from bench.cli_types import whole_number
from bench.config import StudyConfig
from bench.frames import read_study_header

logger = logging.getLogger("bench.baseline")

DEFAULT_BASELINE = Path("reports/baseline")
# Files copied into the baseline: enough for bench.compare and a reader, without per-run curves.
KEPT_FILES = ("study.json", "metrics.csv", "summary.json")


def run_arguments(config: StudyConfig) -> list[str]:
    """Return the ``bench.run`` options that reproduce ``config``."""
    return [
        "--seeds", str(config.n_seeds),
        "--variants", ",".join(config.variants),
        "--epochs", str(config.epochs),
        "--timesteps", str(config.n_timesteps),
        "--units", str(config.units),
        "--learning-rate", repr(config.learning_rate),
        "--eval-every", str(config.eval_every),
        "--eval-size", str(config.eval_size),
        "--engine", config.engine,
        "--root-seed", str(config.root_seed),
    ]  # fmt: skip


def rerun(config: StudyConfig, out: Path, n_jobs: int) -> int:
    """Run the study of ``config`` into ``out`` and return bench.run's exit code."""
    from bench.run import main as run_main

    return run_main([*run_arguments(config), "--n-jobs", str(n_jobs), "--out", str(out)])


def stored_config(baseline: Path) -> StudyConfig:
    """Read the configuration of the committed baseline."""
    return StudyConfig.from_dict(read_study_header(baseline)["config"])


def check(baseline: Path, n_jobs: int, markdown: Path | None) -> int:
    """Rerun the baseline's configuration and compare; return bench.compare's exit code."""
    from bench.compare import main as compare_main

    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as scratch:
        current = Path(scratch) / "study"
        code = rerun(stored_config(baseline), current, n_jobs)
        if code != 0:
            logger.error("the rerun of the baseline configuration ended with exit code %d", code)
            return 2
        options = ["--markdown", str(markdown)] if markdown else []
        return compare_main([str(baseline), str(current), *options])


def refresh(baseline: Path, n_jobs: int, seeds: int | None, epochs: int | None) -> int:
    """Rerun, print what changed against the old baseline, and replace the baseline files."""
    from bench.compare import main as compare_main

    if (baseline / "study.json").exists():
        config = stored_config(baseline)
    else:
        config = StudyConfig(n_seeds=20)
    overrides = {"n_seeds": seeds, "epochs": epochs}
    config = StudyConfig.from_dict(
        {**config.to_dict(), **{k: v for k, v in overrides.items() if v is not None}}
    )

    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as scratch:
        current = Path(scratch) / "study"
        if rerun(config, current, n_jobs) != 0:
            logger.error("the new baseline study did not complete; the old baseline is kept")
            return 2
        if (baseline / "study.json").exists():
            print("Changes against the committed baseline:")
            compare_main([str(baseline), str(current)])

        baseline.mkdir(parents=True, exist_ok=True)
        kept = [name for name in KEPT_FILES if (current / name).exists()]
        for name in kept:
            shutil.copyfile(current / name, baseline / name)
    print(f"baseline refreshed in {baseline}: {', '.join(kept)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``python -m bench.baseline``."""
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__)
    parser.add_argument("action", choices=("check", "refresh"), help="what to do")
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE,
                        help="baseline folder")  # fmt: skip
    parser.add_argument("--n-jobs", type=whole_number(1), default=2, help="worker processes")
    parser.add_argument("--markdown", type=Path, help="check: also write a Markdown summary")
    parser.add_argument("--seeds", type=whole_number(2), help="refresh: new number of seeds")
    parser.add_argument("--epochs", type=whole_number(1), help="refresh: new number of epochs")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``check`` or ``refresh`` and return the exit code."""
    args = build_parser().parse_args(argv)
    if args.action == "check":
        if not (args.baseline / "study.json").is_file():
            print(f"error: --baseline: no study.json in {args.baseline}", file=sys.stderr)
            return 2
        return check(args.baseline, args.n_jobs, args.markdown)
    return refresh(args.baseline, args.n_jobs, args.seeds, args.epochs)


if __name__ == "__main__":
    sys.exit(main())
