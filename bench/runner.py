"""Plan the (variant, seed) grid, dispatch it with joblib and stream results into the store.

A worker process that dies (killed, out of memory) takes the runs in flight with it. The runner
names those runs, keeps every run already stored, and dispatches the missing runs again. Each run
may be lost at most ``retries + 1`` times, so a run that kills every worker it reaches stops the
retries instead of the study.
"""

from __future__ import annotations

import logging
import os
import random
import sys
import threading
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from joblib import Parallel, delayed
from tqdm import tqdm

from bench.backends import DEFAULT_RETRIES, ActiveBackend, BackendChoice, open_backend
from bench.config import StudyConfig
from bench.engines.result import RunResult
from bench.engines.worker import MAIN_PID_ENV, train_one
from bench.store import StudyStore

logger = logging.getLogger(__name__)

Run = tuple[str, int]

# One run at a time per worker process: runs of a process share its compiled trainers, which are
# not safe to use from two threads (a Dask worker may have several).
_TRAINING_LOCK = threading.Lock()


class StudyWriteError(RuntimeError):
    """The study folder stopped accepting runs; every run stored before is kept."""


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
    lost : tuple of (variant, seed)
        Runs that were dispatched to workers but never returned because a worker died, once per
        loss, in the order they were lost. A run lost twice appears twice.
    attempts : int
        Rounds of dispatch: 1, plus one per round that dispatched lost runs again or that
        followed such a round.
    """

    planned: int
    completed: int
    interrupted: bool
    missing: tuple[Run, ...]
    lost: tuple[Run, ...] = ()
    attempts: int = 1


@dataclass
class _Tally:
    """Running counts of one session, kept up to date so an interrupt still reports them."""

    completed: int = 0
    attempts: int = 0
    lost: list[Run] = field(default_factory=list)


def plan(config: StudyConfig, done: set[Run]) -> list[Run]:
    """List the runs still to do, variant by variant, so a worker tends to reuse its compilation."""
    return [
        (variant, seed)
        for variant in config.variants
        for seed in range(config.n_seeds)
        if (variant, seed) not in done
    ]


def format_runs(runs: tuple[Run, ...] | list[Run], limit: int = 12) -> str:
    """Return ``"lstm_forw seed 3, bilstm_sum seed 7"``, shortened after ``limit`` runs."""
    names = [f"{variant} seed {seed}" for variant, seed in runs[:limit]]
    if len(runs) > limit:
        names.append(f"and {len(runs) - limit} more")
    return ", ".join(names)


def train_serially(train: Callable[..., RunResult], config: StudyConfig, variant: str, seed: int):
    """Call ``train(config, variant, seed)`` in a worker, one call at a time per process."""
    _give_dask_sizeof_its_own_generator()
    with _TRAINING_LOCK:
        return train(config, variant, seed)


def _give_dask_sizeof_its_own_generator() -> None:
    # Keras 3 draws the seed of every initializer built without one from Python's global
    # `random` (keras.src.random.seed_generator.make_default_seed), right after
    # keras.utils.set_random_seed. A Dask worker's event-loop thread sizes each message it sends
    # with dask.sizeof, which samples long lists and dicts with the same global `random`
    # (dask 2026.8). A heartbeat sent during a model build thus changed the run's initial
    # weights. The size estimate only needs some sample, so it gets a generator of its own.
    # NOTE: other background draws from the global `random` would still change a build. The
    # ones found in distributed are retry jitter after network errors, absent in a healthy cluster.
    sizeof_module = sys.modules.get("dask.sizeof")
    if sizeof_module is not None and getattr(sizeof_module, "random", None) is random:
        sizeof_module.random = random.Random(0)


def run_study(
    store: StudyStore,
    n_jobs: int,
    backend: str | BackendChoice = "loky",
    show_progress: bool = True,
    retries: int = DEFAULT_RETRIES,
    train: Callable[..., RunResult] = train_one,
) -> RunnerOutcome:
    """Train every run of the study that the store lacks, committing each as it arrives.

    Parameters
    ----------
    store : StudyStore
        The open study; each finished run is committed as soon as it returns.
    n_jobs : int
        Worker processes of loky or of a local Dask cluster.
    backend : str or BackendChoice, default "loky"
        A backend name, or a full choice with a Dask scheduler address.
    show_progress : bool, default True
        Show a progress bar on stderr.
    retries : int, default 2
        How many times a run lost with a dead worker is dispatched again. A run lost more often
        stays missing while the other runs go on; ``--resume`` tries it again later.
    train : callable, default `bench.engines.worker.train_one`
        ``train(config, variant, seed) -> RunResult``, run in the workers; importable by name,
        because workers receive it by reference.

    Raises
    ------
    StudyWriteError
        If a run cannot be written into the study folder.
    bench.backends.BackendError
        If the Dask cluster cannot be started or reached.
    """
    if isinstance(backend, str):
        backend = BackendChoice(name=backend, n_jobs=n_jobs)
    # Workers started from here inherit it and exit if this process is killed.
    os.environ[MAIN_PID_ENV] = str(os.getpid())
    config = store.config
    planned = len(plan(config, store.finished_runs()))

    tally = _Tally()
    interrupted = False
    try:
        with open_backend(backend) as active:
            logger.info(
                "study %s: %d runs to do (%d variants x %d seeds) on %s",
                store.path,
                planned,
                len(config.variants),
                config.n_seeds,
                active.description,
            )
            with tqdm(total=planned, unit="run", file=sys.stderr, disable=not show_progress) as bar:
                _train_missing(store, active, train, retries, bar, tally)
    except KeyboardInterrupt:
        interrupted = True
        logger.warning("interrupted: %d runs of this session are stored", tally.completed)

    missing = tuple(plan(config, store.finished_runs()))
    lost = tuple(tally.lost)
    if lost:
        _log_recovery(lost, missing, tally.attempts)
    return RunnerOutcome(
        planned, tally.completed, interrupted, missing, lost, attempts=max(tally.attempts, 1)
    )


def _train_missing(
    store: StudyStore,
    active: ActiveBackend,
    train: Callable[..., RunResult],
    retries: int,
    progress: tqdm,
    tally: _Tally,
) -> None:
    """Dispatch the missing runs until none is left that was lost at most ``retries`` times.

    When a worker dies, every run in flight is lost, but only one of them may have caused it.
    Lost runs are therefore dispatched again one at a time, before the runs not yet tried, so a
    later loss is charged to the one run that was executing. A run that had just returned but
    was not yet stored when the worker died is charged too, which is rare.
    """
    while True:
        losses = Counter(tally.lost)
        tasks = [run for run in plan(store.config, store.finished_runs()) if losses[run] <= retries]
        suspects = [run for run in tasks if losses[run]]
        if not tasks:
            return

        tally.attempts += 1
        lost, error = _dispatch(
            store,
            suspects or tasks,
            train,
            active.worker_lost_errors,
            progress,
            tally,
            one_at_a_time=bool(suspects),
        )
        if lost:
            tally.lost.extend(lost)
            _log_loss(lost, error, Counter(tally.lost), retries)
        elif not suspects:
            return


def _dispatch(
    store: StudyStore,
    tasks: list[Run],
    train: Callable[..., RunResult],
    worker_lost_errors: tuple[type[BaseException], ...],
    progress: tqdm,
    tally: _Tally,
    one_at_a_time: bool = False,
) -> tuple[tuple[Run, ...], BaseException | None]:
    """Run ``tasks`` once; on a dead worker, return the runs dispatched but not returned."""
    config = store.config
    in_flight: dict[Run, None] = {}
    lock = threading.Lock()

    def calls():
        # joblib pulls from this iterator when it dispatches, partly from its callback thread.
        for variant, seed in tasks:
            with lock:
                in_flight[(variant, seed)] = None
            yield delayed(train_serially)(train, config, variant, seed)

    # One run per batch and no more dispatched runs than slots, so a dead worker loses at most
    # the runs that were executing. Auto-batching would group many short runs into one batch.
    results = Parallel(
        return_as="generator_unordered",
        batch_size=1,
        pre_dispatch="1" if one_at_a_time else "n_jobs",
    )(calls())
    try:
        for result in results:
            with lock:
                in_flight.pop((result.variant, result.seed), None)
            _commit(store, result)
            tally.completed += 1
            progress.update()
            if result.status != "ok":
                logger.warning("%s seed %d: %s", result.variant, result.seed, result.status)
    except worker_lost_errors as error:
        with lock:
            return tuple(in_flight), error
    finally:
        _close_quietly(results)
    return (), None


def _commit(store: StudyStore, result: RunResult) -> None:
    try:
        store.commit(result)
    except OSError as error:
        raise StudyWriteError(
            f"cannot write run {result.variant} seed {result.seed} into the study folder "
            f"{store.path}: {error}. The study stopped; every run stored before is kept. "
            f"Make the folder writable, then complete the study with --resume --out {store.path}"
        ) from error


def _close_quietly(results) -> None:
    """Close the joblib generator, which cancels the runs not yet returned."""
    with warnings.catch_warnings():
        # joblib warns that tasks were cancelled; the runner stops early on purpose here.
        warnings.filterwarnings("ignore", message=".*still being processed", category=UserWarning)
        warnings.filterwarnings("ignore", message=".*successfully executed", category=UserWarning)
        results.close()


def _log_loss(lost: tuple[Run, ...], error, losses: Counter, retries: int) -> None:
    # loky's TerminatedWorkerError runs to several paragraphs, and its first sentence states
    # what happened.
    summary = str(error).strip().split(". ")[0].splitlines()[0] if str(error).strip() else ""
    logger.warning(
        "a worker died (%s: %s); %d runs in flight were lost: %s",
        type(error).__name__,
        summary,
        len(lost),
        format_runs(lost),
    )
    given_up = [run for run in lost if losses[run] > retries]
    if given_up:
        logger.error(
            "giving up on %s: lost more than --retries %d times",
            format_runs(given_up),
            retries,
        )
    if len(given_up) < len(lost):
        logger.warning("dispatching the missing runs again")


def _log_recovery(lost: tuple[Run, ...], missing: tuple[Run, ...], attempts: int) -> None:
    missing_runs = set(missing)
    distinct = list(dict.fromkeys(lost))
    still_lost = [run for run in distinct if run in missing_runs]
    recovered = len(distinct) - len(still_lost)
    if recovered:
        logger.warning(
            "%d runs lost with dead workers were trained again and stored (%d dispatch rounds)",
            recovered,
            attempts,
        )
    if still_lost:
        logger.error(
            "%d runs lost with dead workers are still missing: %s",
            len(still_lost),
            format_runs(still_lost),
        )
