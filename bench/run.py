"""Command line of the main job: train every variant over many seeds, store, analyse, report.

Usage: ``python -m bench.run --seeds 30``; ``--help`` lists every option.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from bench.backends import (
    BACKENDS,
    DEFAULT_RETRIES,
    BackendChoice,
    BackendError,
    choose_backend,
    scheduler_address,
)
from bench.cli_types import fraction, whole_number
from bench.config import DEFAULT_VARIANTS, ENGINES, ConfigError, StudyConfig
from bench.metrics import DEFAULT_TARGET, METRICS
from bench.stats import DEFAULT_METRIC, DEFAULT_REFERENCE
from bench.store import StoreError, StudyStore
from bench.variants import VariantError, parse_variant_list

logger = logging.getLogger("bench.run")

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_STORE_FAILED = 3
DEFAULTS = StudyConfig()


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Append "(default: ...)" only where it informs: not to flags, unset values or help texts
    that state their default already."""

    def _get_help_string(self, action):
        if "default:" in (action.help or "") or action.default in (None, False):
            return action.help
        return super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``python -m bench.run``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Train every variant over many seeds, store each run, and rank learning speed.",
        formatter_class=_HelpFormatter,
    )
    add = parser.add_argument
    add(
        "--seeds",
        type=whole_number(1),
        default=DEFAULTS.n_seeds,
        help="number of replicates (seeds) per variant; every variant sees the same data per seed",
    )
    add(
        "--variants",
        default="default",
        help="comma-separated variant names; 'default' = "
        + ",".join(DEFAULT_VARIANTS)
        + "; 'all' adds lstm_back_unaligned and lstm_forw_wide;"
        " MODULE:FUNCTION adds a user builder",
    )
    add(
        "--epochs",
        type=whole_number(1),
        default=DEFAULTS.epochs,
        help="training epochs per run; one epoch is one update on one new sequence",
    )
    add(
        "--timesteps",
        type=whole_number(2),
        default=DEFAULTS.n_timesteps,
        help="time steps per sequence",
    )
    add("--units", type=whole_number(1), default=DEFAULTS.units, help="LSTM units per direction")
    add(
        "--learning-rate",
        type=fraction(0.0, 1.0),
        default=DEFAULTS.learning_rate,
        help="Adam learning rate",
    )
    add(
        "--eval-every",
        type=whole_number(1),
        default=DEFAULTS.eval_every,
        help="epochs between held-out evaluations (the last epoch is always evaluated)",
    )
    add(
        "--eval-size",
        type=whole_number(1),
        default=DEFAULTS.eval_size,
        help="held-out sequences, drawn once per study",
    )
    add(
        "--engine",
        choices=ENGINES,
        default=DEFAULTS.engine,
        help="'compiled': one XLA-compiled function per run; 'reference': model.fit per epoch",
    )
    add(
        "--n-jobs",
        type=whole_number(1),
        default=os.cpu_count() or 1,
        help="worker processes (default: all cores)",
    )
    add(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="where runs execute: 'loky' worker processes on this machine, or 'dask': a local "
        "cluster of --n-jobs worker processes, or the cluster of --scheduler; unset means dask "
        "with --scheduler and loky without",
    )
    add(
        "--scheduler",
        type=scheduler_address,
        default=None,
        help="address of a running Dask scheduler, such as tcp://10.0.0.5:8786; its workers "
        "set the parallelism and need bench installed",
    )
    add(
        "--retries",
        type=whole_number(0),
        default=DEFAULT_RETRIES,
        help="times the runs lost with a dead worker are dispatched again before the study "
        "ends incomplete",
    )
    add(
        "--root-seed",
        type=whole_number(0),
        default=DEFAULTS.root_seed,
        help="root of every random stream of the study",
    )
    add(
        "--out",
        type=Path,
        default=None,
        help="study folder (default: reports/study-<hash of the settings>)",
    )
    add(
        "--resume",
        action="store_true",
        help="complete the study in --out, skipping finished runs; settings must match",
    )
    add("--quiet", action="store_true", help="no progress bar and only warnings on stderr")

    analysis = parser.add_argument_group("analysis (recomputed later with python -m bench.analyze)")
    analysis.add_argument(
        "--metric",
        choices=sorted(METRICS),
        default=DEFAULT_METRIC,
        help="primary learning-speed metric of the ranking",
    )
    analysis.add_argument(
        "--target",
        type=fraction(0.0, 1.0),
        default=DEFAULT_TARGET,
        help="held-out accuracy that defines epochs_to_target, a fraction in (0, 1]",
    )
    analysis.add_argument(
        "--reference",
        default=DEFAULT_REFERENCE,
        help="variant that difference curves compare against (falls back to the first variant "
        "when the default is not in the study)",
    )
    return parser


def check_reference(args: argparse.Namespace, config: StudyConfig) -> None:
    """Reject a --reference that names no variant of the study (the default may fall back)."""
    if args.reference != DEFAULT_REFERENCE and args.reference not in config.variants:
        raise ConfigError(
            f"--reference: {args.reference!r} is not a variant of this study; "
            f"choose one of {', '.join(config.variants)}"
        )


def config_from_args(args: argparse.Namespace) -> StudyConfig:
    """Build the study configuration; raise ConfigError or VariantError on bad values."""
    return StudyConfig(
        n_timesteps=args.timesteps,
        units=args.units,
        epochs=args.epochs,
        learning_rate=args.learning_rate,
        eval_every=args.eval_every,
        eval_size=args.eval_size,
        engine=args.engine,
        variants=parse_variant_list(args.variants),
        n_seeds=args.seeds,
        root_seed=args.root_seed,
    )


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def open_store(
    config: StudyConfig, args: argparse.Namespace, backend: BackendChoice | None = None
) -> StudyStore:
    """Create or resume the study folder named by ``--out``."""
    out = args.out if args.out is not None else Path("reports") / f"study-{config.hash()}"
    if backend is None:
        backend = choose_backend(args.backend, args.scheduler, args.n_jobs)
    settings = backend.settings()
    if args.resume:
        return StudyStore.resume(out, config, settings)
    return StudyStore.create(out, config, settings)


def main(argv: list[str] | None = None) -> int:
    """Run the main job and return the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )

    try:
        config = config_from_args(args)
        check_reference(args, config)
        backend = choose_backend(args.backend, args.scheduler, args.n_jobs)
        store = open_store(config, args, backend)
    except (ConfigError, VariantError, StoreError, BackendError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE

    from bench.finish import finish_study
    from bench.runner import StudyWriteError, run_study

    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        outcome = run_study(
            store,
            n_jobs=args.n_jobs,
            backend=backend,
            retries=args.retries,
            show_progress=not args.quiet,
        )
        return finish_study(store, outcome, args)
    except BackendError as error:
        print(f"error: {error}", file=sys.stderr)
        if not args.resume:
            store.discard_if_empty()
        return EXIT_USAGE
    except StudyWriteError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_STORE_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)
        store.close()


if __name__ == "__main__":
    sys.exit(main())
