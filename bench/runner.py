"""Plan the (variant, seed) grid, dispatch it with joblib and stream results into the store."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from joblib import Parallel, delayed, parallel_config
from tqdm import tqdm

from bench.config import StudyConfig
from bench.engines.tfsetup import set_thread_environment
from bench.engines.worker import train_one
from bench.store import StudyStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunnerOutcome:
    """What one session of a study did.

    Attributes
    ----------
    planned : int
        Runs that were missing when the session started.
    completed : int
        Runs stored during this session.
    interrupted : bool
        True when Ctrl-C stopped the session; stored runs are kept.
    missing : tuple of (variant, seed)
        Runs still not stored at the end.
    """

    planned: int
    completed: int
    interrupted: bool
    missing: tuple[tuple[str, int], ...]


def plan(config: StudyConfig, done: set[tuple[str, int]]) -> list[tuple[str, int]]:
    """List the runs still to do, variant by variant, so a worker tends to reuse its compilation."""
    return [
        (variant, seed)
        for variant in config.variants
        for seed in range(config.n_seeds)
        if (variant, seed) not in done
    ]


def run_study(
    store: StudyStore,
    n_jobs: int,
    backend: str = "loky",
    show_progress: bool = True,
) -> RunnerOutcome:
    """Train every run of the study that the store lacks, committing each as it arrives."""
    config = store.config
    tasks = plan(config, store.finished_runs())
    logger.info(
        "study %s: %d runs to do (%d variants x %d seeds), %d workers",
        store.path,
        len(tasks),
        len(config.variants),
        config.n_seeds,
        n_jobs,
    )

    set_thread_environment()
    completed = 0
    interrupted = False
    progress = tqdm(total=len(tasks), unit="run", file=sys.stderr, disable=not show_progress)
    try:
        with parallel_config(backend=backend, n_jobs=n_jobs):
            results = Parallel(return_as="generator_unordered")(
                delayed(train_one)(config, variant, seed) for variant, seed in tasks
            )
            for result in results:
                store.commit(result)
                completed += 1
                progress.update()
                if result.status != "ok":
                    logger.warning("%s seed %d: %s", result.variant, result.seed, result.status)
    except KeyboardInterrupt:
        interrupted = True
        logger.warning("interrupted: %d runs of this session are stored", completed)
    finally:
        progress.close()

    missing = tuple(plan(config, store.finished_runs()))
    return RunnerOutcome(len(tasks), completed, interrupted, missing)
