"""Worker entry point: one (variant, seed) run, with compiled trainers cached per process."""

from __future__ import annotations

import logging
import os
import resource
import threading
import time
import traceback
from collections import OrderedDict

from bench.config import StudyConfig
from bench.engines.result import RunResult, failed_result
from bench.task import heldout_set, training_stream
from bench.variants import resolve

logger = logging.getLogger(__name__)

# Compiled trainers of this process, by (config hash, variant). Bounded so a long-lived worker
# serving many studies does not keep every compiled model.
_TRAINERS: OrderedDict = OrderedDict()
_MAX_TRAINERS = 16

# Process id of the study's main process, set by the runner for the workers it starts.
MAIN_PID_ENV = "BENCH_MAIN_PID"
_WATCHDOG_STARTED = False


def _trainer(config: StudyConfig, variant_name: str):
    key = (config.hash(), variant_name)
    if key in _TRAINERS:
        _TRAINERS.move_to_end(key)
        return _TRAINERS[key]

    variant = resolve(variant_name)
    if config.engine == "compiled":
        from bench.engines.compiled import CompiledTrainer as trainer_class
    else:
        from bench.engines.reference import ReferenceTrainer as trainer_class

    trainer = trainer_class(config, variant)
    _TRAINERS[key] = trainer
    if len(_TRAINERS) > _MAX_TRAINERS:
        _TRAINERS.popitem(last=False)
    return trainer


def _keep_worker_alive_as_memory_grows() -> None:
    # loky replaces a worker whose memory grew more than 300 MB after its first task (joblib
    # 1.4 to 1.6). A worker holding compiled models of several variants grows that much by design,
    # and a replaced worker would compile every variant again.
    try:
        from joblib.externals.loky import process_executor
    except ImportError:
        return
    process_executor._MAX_MEMORY_LEAK_SIZE = 2**40


def _exit_when_main_process_dies() -> None:
    # A loky or local Dask worker whose main process was killed with SIGKILL is handed to init
    # and keeps running, holding about 1 GB; a watchdog thread ends it within a second or two.
    global _WATCHDOG_STARTED
    if _WATCHDOG_STARTED:
        return
    _WATCHDOG_STARTED = True

    main_pid = int(os.environ.get(MAIN_PID_ENV) or 0)
    if main_pid in (0, os.getpid()):
        return

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(main_pid, 0)
            except ProcessLookupError:
                logger.error("main process %d is gone; worker %d exits", main_pid, os.getpid())
                os._exit(1)
            except PermissionError:
                continue

    threading.Thread(target=watch, name="bench-main-watchdog", daemon=True).start()


def train_one(config: StudyConfig, variant_name: str, seed: int) -> RunResult:
    """Train one run and return its result; an exception becomes a ``failed`` result."""
    start = time.perf_counter()
    _keep_worker_alive_as_memory_grows()
    _exit_when_main_process_dies()
    try:
        trainer = _trainer(config, variant_name)
        xs, ys = training_stream(config, seed)
        x_heldout, y_heldout = heldout_set(config)
        result = trainer.train(seed, xs, ys, x_heldout, y_heldout)
    except Exception as error:  # noqa: BLE001 - one broken run must not stop the study
        logger.error("run %s seed %d failed: %s", variant_name, seed, error)
        message = "".join(traceback.format_exception_only(type(error), error)).strip()
        return failed_result(variant_name, seed, message, time.perf_counter() - start)

    result.extra["worker_pid"] = os.getpid()
    result.extra["worker_peak_rss_mb"] = _peak_rss_mb()
    return result


def _peak_rss_mb() -> float:
    """Return this process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
