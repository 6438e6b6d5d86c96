"""Choose the joblib backend of a study: loky processes, or Dask workers (local or remote).

``loky`` runs the study in worker processes on this machine. ``dask`` runs it through joblib's
Dask backend, either on a local cluster started here (loopback only, one thread per worker
process) or on the Dask scheduler named by ``--scheduler``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bench.engines.tfsetup import THREAD_ENV, set_thread_environment

logger = logging.getLogger(__name__)

BACKENDS = ("loky", "dask")

# Times the runs lost with a dead worker are dispatched again before the study ends incomplete.
DEFAULT_RETRIES = 2

# Seconds to wait for a remote scheduler to respond, and then for its first worker to connect.
CONNECT_TIMEOUT_S = 30
WORKER_WAIT_S = 60

_ADDRESS = re.compile(r"^(?:(?:tcp|tls)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$")


class BackendError(RuntimeError):
    """The requested backend cannot be started or reached."""


@dataclass(frozen=True)
class BackendChoice:
    """Execution target of a study's runs.

    Attributes
    ----------
    name : {"loky", "dask"}
        joblib backend.
    n_jobs : int
        Worker processes of loky or of the local Dask cluster. A remote Dask cluster runs one
        run per worker thread it has, whatever ``n_jobs`` is.
    scheduler : str or None
        Address of a running Dask scheduler; None with ``dask`` starts a local cluster.
    """

    name: str
    n_jobs: int
    scheduler: str | None = None

    def settings(self) -> dict:
        """Return the settings recorded in the study's provenance."""
        return {"backend": self.name, "n_jobs": self.n_jobs, "scheduler": self.scheduler}


@dataclass(frozen=True)
class ActiveBackend:
    """A started backend, ready for ``joblib.Parallel`` inside `open_backend`.

    Attributes
    ----------
    description : str
        Where runs execute, for the log.
    slots : int
        Runs that can execute at the same time: loky processes or Dask worker threads.
    worker_lost_errors : tuple of exception types
        What ``joblib.Parallel`` raises when a worker process dies while holding runs.
    """

    description: str
    slots: int
    worker_lost_errors: tuple[type[BaseException], ...]


def scheduler_address(text: str) -> str:
    """Check the form of a ``--scheduler`` value (an argparse type); return it unchanged."""
    if not _ADDRESS.match(text):
        raise argparse.ArgumentTypeError(
            "must be a Dask scheduler address HOST:PORT, optionally after tcp:// or tls://, "
            f"such as tcp://127.0.0.1:8786; got {text!r}"
        )
    return text


def choose_backend(name: str | None, scheduler: str | None, n_jobs: int) -> BackendChoice:
    """Combine ``--backend``, ``--scheduler`` and ``--n-jobs`` into one choice.

    Parameters
    ----------
    name : {"loky", "dask"} or None
        ``--backend``; None means ``dask`` when a scheduler is given and ``loky`` otherwise.
    scheduler : str or None
        ``--scheduler``.
    n_jobs : int
        ``--n-jobs``.

    Raises
    ------
    BackendError
        If a scheduler address comes with ``--backend loky``, or the name is unknown.
    """
    if name is None:
        name = "dask" if scheduler is not None else "loky"
    if name not in BACKENDS:
        raise BackendError(f"--backend: expected one of {', '.join(BACKENDS)}; got {name!r}")
    if scheduler is not None and name != "dask":
        raise BackendError(
            f"--scheduler: a Dask scheduler address needs --backend dask; got --backend {name}"
        )
    return BackendChoice(name=name, n_jobs=n_jobs, scheduler=scheduler)


@contextlib.contextmanager
def open_backend(choice: BackendChoice) -> Iterator[ActiveBackend]:
    """Start the backend of ``choice``, make it joblib's default, and stop it on exit.

    A local Dask cluster is started and closed here; a remote scheduler and its workers are
    left running, only the client connection is closed.

    Raises
    ------
    BackendError
        If the Dask scheduler cannot be reached or has no worker.
    """
    from joblib import parallel_config
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    set_thread_environment()
    if choice.name == "loky":
        with parallel_config(backend="loky", n_jobs=choice.n_jobs):
            yield ActiveBackend(
                description=f"loky with {choice.n_jobs} worker processes",
                slots=choice.n_jobs,
                worker_lost_errors=(TerminatedWorkerError,),
            )
        return

    with _quiet_distributed_logs(), _dask_client(choice) as (client, description):
        from distributed import KilledWorker

        slots = _check_dask_workers(client)
        if choice.scheduler is not None:
            description += f" ({slots} worker threads; --n-jobs does not apply)"
        client.subscribe_topic("all", _log_worker_removal)
        try:
            with parallel_config(backend=_dask_backend(client)):
                yield ActiveBackend(
                    description=description,
                    slots=slots,
                    worker_lost_errors=(KilledWorker,),
                )
        finally:
            # Unsubscribed first, the scheduler does not try to send this client the event of
            # its own departure (which it logs as a critical error).
            client.unsubscribe_topic("all")


def _dask_backend(client):
    """Return joblib's Dask backend for ``client``, made to report runs that fail on the scheduler.

    joblib 1.6's Dask backend passes a task's result to joblib's completion callback only when
    the task succeeds. A task that the scheduler fails, with KilledWorker after its worker died
    or with CancelledError, only sets the exception on the backend's own future, so
    ``Parallel`` waits for it forever. Here that exception is also handed to the completion
    callback, which raises it from ``Parallel``, where the runner counts the run as lost.
    """
    # NOTE: joblib._dask is joblib's private module; its backend class is only public by name.
    from joblib._dask import DaskDistributedBackend

    class DaskBackendRaisingLostTasks(DaskDistributedBackend):
        def submit(self, func, callback=None):
            future = super().submit(func, callback=callback)
            if callback is not None:

                def report_failure(done):
                    if done.exception() is not None:
                        callback(done.exception())

                future.add_done_callback(report_failure)
            return future

    return DaskBackendRaisingLostTasks(client=client)


@contextlib.contextmanager
def _quiet_distributed_logs():
    """Keep distributed's connection and start-up messages out of the study log."""
    import distributed  # noqa: F401 - its import sets the level that is raised here

    distributed_logger = logging.getLogger("distributed")
    previous = distributed_logger.level
    distributed_logger.setLevel(max(previous, logging.WARNING))
    try:
        yield
    finally:
        distributed_logger.setLevel(previous)


@contextlib.contextmanager
def _dask_client(choice: BackendChoice):
    import dask
    from distributed import Client, LocalCluster

    if choice.scheduler is None:
        # allowed-failures 0: a run whose worker dies fails at once with KilledWorker, so the
        # runner names it and retries it within --retries instead of the scheduler silently
        # trying it up to three more times.
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            cluster = LocalCluster(
                n_workers=choice.n_jobs,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                scheduler_port=0,
                # The scheduler serves HTTP even without a dashboard. Port 0 puts it on a free
                # loopback port, because the fixed default 8787 may be taken by another study.
                scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
                env=dict(THREAD_ENV),
            )
        try:
            with Client(cluster, set_as_default=False) as client:
                description = (
                    f"local Dask cluster {cluster.scheduler_address} "
                    f"with {choice.n_jobs} worker processes"
                )
                yield client, description
        finally:
            cluster.close()
        return

    try:
        client = Client(choice.scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except OSError as error:
        raise BackendError(
            f"--scheduler: cannot connect to the Dask scheduler at {choice.scheduler} within "
            f"{CONNECT_TIMEOUT_S} s ({error}); check that it runs and that the address is right"
        ) from error
    with client:
        yield client, f"Dask scheduler {choice.scheduler}"


def _check_dask_workers(client) -> int:
    """Wait for a first worker and return the number of worker threads of the cluster."""
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except TimeoutError as error:
        raise BackendError(
            f"--scheduler: no Dask worker connected to {client.scheduler.address} within "
            f"{WORKER_WAIT_S} s; start workers with: dask worker {client.scheduler.address} "
            "--nthreads 1"
        ) from error

    threads = client.nthreads()
    crowded = sorted(address for address, count in threads.items() if count > 1)
    if crowded:
        # Runs in one process share its compiled trainers, so the runner lets one run at a time
        # train per process; extra threads only wait.
        logger.warning(
            "Dask workers %s have more than one thread; each process trains one run at a time, "
            "so start workers with --nthreads 1 and use --nworkers for more processes",
            ", ".join(crowded),
        )
    logger.info("Dask cluster: %d workers, %d threads", len(threads), sum(threads.values()))
    return sum(threads.values())


def _log_worker_removal(event) -> None:
    """Log a Dask worker that left the cluster while it was running tasks."""
    _, message = event
    if message.get("action") != "remove-worker" or message.get("expected"):
        return
    logger.warning(
        "Dask worker %s left the cluster while running %d tasks",
        message.get("worker"),
        len(message.get("processing-tasks", ())),
    )
