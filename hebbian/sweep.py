"""Run the grid points of an experiment: executors, seeds, checkpoints, progress.

Determinism
    Every grid point ``i`` gets its own generator from
    ``numpy.random.SeedSequence(seed, spawn_key=(i,))``: a point's result depends on the
    configuration seed and its index only, so results are bit-identical whatever the
    executor, the number of workers, the chunking and the completion order.

Executors (:class:`SweepOptions`)
    ``serial`` -- in this process; ``processes`` -- a pool of local worker processes
    (``workers``, default: the cores), no server; ``dask`` -- an existing
    ``dask.distributed`` cluster given by ``scheduler`` (``tcp://host:port``) or
    ``scheduler_file``, so the same code path serves a hand-started
    ``dask scheduler`` + ``dask worker``, dask-jobqueue or Kubernetes. Points travel in
    chunks (tasks) of ``chunk_size`` points, by default enough to keep about eight
    tasks per worker, so that the per-task overhead stays small against the work.

Checkpoints (:mod:`hebbian.checkpoint`)
    With a ``run_dir``, every finished chunk is written at once by this process (the
    workers need no shared file system); a rerun skips completed points, and a run
    directory of another configuration is refused.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

__all__ = [
    "EXECUTORS",
    "PointRunner",
    "SweepOptions",
    "SweepReport",
    "point_generator",
    "run_points",
]

#: Executor names.
EXECUTORS = ("serial", "processes", "dask")


def point_generator(seed: int, index: int) -> np.random.Generator:
    """Return the generator of grid point ``index`` of a run with root ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


@dataclass(frozen=True)
class SweepOptions:
    """How a sweep runs (module docstring).

    Attributes
    ----------
    executor : {"serial", "processes", "dask"}
    workers : int or None
        Local worker processes (default: ``os.cpu_count()``); ignored by ``dask``.
    scheduler : str or None
        Address of a Dask scheduler, ``tcp://host:port``.
    scheduler_file : str or None
        Scheduler file written by ``dask scheduler --scheduler-file``.
    run_dir : path or None
        Checkpoint directory; None runs without checkpoints.
    new_run_dir : bool
        With a run directory of another configuration, use ``<run_dir>.<hash>`` instead
        of refusing.
    chunk_size : int or None
        Points per task (default: automatic).
    progress : bool
        Progress bar on stderr (only when stderr is a terminal).
    device : {"cpu", "gpu", "auto"}
        Where each point runs its chains (:mod:`hebbian.device`); the experiments
        visit sites in an order shared by a point's chains, so that the GPU engine,
        designed to give the CPU's chains from the same draws, gives the same result.
    draws : {"host", "device"}
        Where the update uniforms are drawn (``simulate``'s ``draws``): ``"device"``
        (with ``device="gpu"``) is faster but gives other chains, so it is part of the
        run's identity (its checkpoint fingerprint).
    """

    executor: str = "serial"
    workers: int | None = None
    scheduler: str | None = None
    scheduler_file: str | None = None
    run_dir: str | os.PathLike | None = None
    new_run_dir: bool = False
    chunk_size: int | None = None
    progress: bool = True
    device: str = "cpu"
    draws: str = "host"

    def validate(self) -> SweepOptions:
        """Check the options before anything runs; raise ``ValueError`` (one line)."""
        from hebbian._validation import check_choice, check_int

        check_choice("executor", self.executor, EXECUTORS)
        from hebbian.device import DEVICES, require_cupy
        from hebbian.montecarlo.options import DRAWS

        check_choice("device", self.device, DEVICES)
        check_choice("draws", self.draws, DRAWS)
        if self.device == "gpu" and self.executor != "dask":
            require_cupy()  # fail now, in one line, not in every worker
        if self.draws == "device" and self.device != "gpu":
            raise ValueError(
                f"--draws device needs --device gpu (the uniforms are drawn on the GPU), "
                f"got --device {self.device}"
            )
        if self.workers is not None:
            check_int("workers", self.workers, minimum=1)
        if self.chunk_size is not None:
            check_int("chunk size", self.chunk_size, minimum=1)
        if self.executor == "dask":
            if (self.scheduler is None) == (self.scheduler_file is None):
                raise ValueError(
                    "the dask executor needs exactly one of --scheduler and --scheduler-file"
                )
            if self.scheduler is not None and "://" not in self.scheduler:
                raise ValueError(
                    f"scheduler address must look like tcp://host:port, got {self.scheduler!r}"
                )
            if self.scheduler_file is not None and not Path(self.scheduler_file).is_file():
                raise ValueError(f"scheduler file {self.scheduler_file!r} does not exist")
        elif self.scheduler is not None or self.scheduler_file is not None:
            raise ValueError("--scheduler and --scheduler-file need the dask executor")
        if self.run_dir is not None:
            from hebbian.io import check_writable

            if Path(self.run_dir).exists() and not Path(self.run_dir).is_dir():
                raise ValueError(f"run directory {str(self.run_dir)!r} is a file")

            check_writable(Path(self.run_dir) / ".write-check") if Path(
                self.run_dir
            ).is_dir() else check_writable(self.run_dir)
        return self

    def engine_options(self) -> dict:
        """Return the options of every point's Monte Carlo run: ``device`` and ``draws``."""
        return {"device": self.device, "draws": self.draws}

    def n_workers(self) -> int:
        """Local workers of the ``processes`` executor."""
        return self.workers or os.cpu_count() or 1


@dataclass(frozen=True)
class SweepReport:
    """What a sweep did.

    Attributes
    ----------
    n_points, n_computed, n_resumed : int
        Points in the grid, computed now, loaded from checkpoints.
    n_discarded_chunks : int
        Corrupt checkpoint chunks found and recomputed.
    wall_time : float
        Seconds.
    executor : str
    workers : int
    run_dir : str or None
    """

    n_points: int
    n_computed: int
    n_resumed: int
    n_discarded_chunks: int
    wall_time: float
    executor: str
    workers: int
    run_dir: str | None

    def summary(self) -> str:
        """One line: points, wall time, rate, executor, workers."""
        rate = self.n_computed / self.wall_time if self.wall_time > 0 else float("inf")
        resumed = f", {self.n_resumed} resumed" if self.n_resumed else ""
        return (
            f"{self.n_points} points ({self.n_computed} computed{resumed}) in "
            f"{self.wall_time:.1f} s, {rate:.1f} points/s, executor {self.executor}, "
            f"{self.workers} worker{'s' if self.workers != 1 else ''}"
        )


class PointRunner(Protocol):
    """What a sweep runs: an object that runs a chunk of grid points.

    :class:`~hebbian.experiments.base.ExperimentKind` is one. It must pickle (by
    reference to its class), since worker processes and Dask workers receive it.
    """

    def run_batch(self, params: dict, points: list[dict], rngs: list, **engine) -> list:
        """Run ``points`` with their generators ``rngs``; return one result each."""


def run_chunk(
    runner: PointRunner,
    params: dict,
    seed: int,
    chunk: list[tuple[int, dict]],
    single_thread: bool = False,
    engine: dict | None = None,
):
    """Run the points of one chunk (a task): ``[(index, result), ...]``.

    A module-level function of plain arguments, so that worker processes and Dask
    workers can run it. With ``single_thread`` the Numba kernels of this task run on one
    thread (workers are the parallelism; nested thread pools would oversubscribe).
    The chunk's points run through ``runner.run_batch``, which batches their chains on a
    GPU; ``engine`` holds its options (:meth:`SweepOptions.engine_options`).
    """
    if single_thread:
        _single_thread_worker()
    indices = [i for i, _ in chunk]
    results = runner.run_batch(
        params,
        [point for _, point in chunk],
        [point_generator(seed, i) for i in indices],
        **(engine or {}),
    )
    return list(zip(indices, results))


def _single_thread_worker() -> None:  # pragma: no cover - runs in worker processes
    try:
        import numba

        numba.set_num_threads(1)
    except Exception:
        pass


def _chunks(indexed: list, size: int) -> list[list]:
    return [indexed[a : a + size] for a in range(0, len(indexed), size)]


def run_points(
    runner: PointRunner,
    params: dict,
    points: Sequence[dict],
    *,
    seed: int,
    options: SweepOptions = SweepOptions(),
    fingerprint: dict | None = None,
    description: str = "points",
) -> tuple[list[dict], SweepReport]:
    """Run every grid point with ``runner``; return the results in grid order.

    Parameters
    ----------
    runner : PointRunner
        What runs a chunk of points (an experiment kind).
    params : dict
        Validated parameters.
    points : sequence of dict
        The grid (:meth:`ExperimentKind.points`).
    seed : int
        Root seed.
    options : SweepOptions
    fingerprint : dict, optional
        Identity of the run, needed with a ``run_dir``.
    description : str
        Label of the progress bar.

    Returns
    -------
    results : list of dict
    report : SweepReport
    """
    options.validate()
    start = time.perf_counter()
    # an unreachable cluster fails here, in one line, before anything is written
    client = _connect_dask(options) if options.executor == "dask" else None
    try:
        done: dict[int, dict] = {}
        discarded = 0
        store = None
        run_dir = options.run_dir
        if run_dir is not None:
            from hebbian.checkpoint import CheckpointStore, RunDirectoryMismatch, fingerprint_hash

            if fingerprint is None:
                raise ValueError("a run directory needs the fingerprint of the run")
            try:
                store = CheckpointStore(run_dir, fingerprint=fingerprint)
            except RunDirectoryMismatch:
                if not options.new_run_dir:
                    raise
                run_dir = f"{run_dir}.{fingerprint_hash(fingerprint)[:12]}"
                store = CheckpointStore(run_dir, fingerprint=fingerprint)
            store.acquire()
            done, discarded = store.load()
            done = {i: r for i, r in done.items() if i < len(points)}
        todo = [(i, p) for i, p in enumerate(points) if i not in done]
        n_resumed = len(done)
        workers = 1 if options.executor == "serial" else options.n_workers()

        def chunks_for(n_workers: int) -> list[list]:
            size = options.chunk_size or max(1, math.ceil(len(todo) / (8 * n_workers)))
            return _chunks(todo, size)

        from tqdm import tqdm

        bar = tqdm(
            total=len(points),
            initial=n_resumed,
            desc=description,
            unit="pt",
            file=sys.stderr,
            disable=(not options.progress) or None,
            leave=False,
            delay=0.5,
        )

        def finished(items):
            if store is not None:
                store.save(items)
            for i, result in items:
                done[i] = result
            bar.update(len(items))

        try:
            if options.executor == "serial":
                for chunk in chunks_for(1):
                    finished(
                        run_chunk(runner, params, seed, chunk, engine=options.engine_options())
                    )
            elif options.executor == "processes":
                _run_processes(
                    chunks_for(workers),
                    runner,
                    params,
                    seed,
                    workers,
                    options.engine_options(),
                    finished,
                )
            else:
                workers = _run_dask(client, chunks_for, runner, params, seed, options, finished)
        finally:
            bar.close()
            if store is not None:
                store.release()
                if not done:  # failed before a point finished: leave nothing behind
                    store.remove()
        report = SweepReport(
            n_points=len(points),
            n_computed=len(todo),
            n_resumed=n_resumed,
            n_discarded_chunks=discarded,
            wall_time=time.perf_counter() - start,
            executor=options.executor,
            workers=workers,
            run_dir=None if run_dir is None else str(run_dir),
        )
        return [done[i] for i in range(len(points))], report
    finally:
        if client is not None:
            client.close()


_POOL: dict = {}


def _process_pool(workers: int):
    """Return a pool of ``workers`` local processes, kept for later sweeps.

    Workers fork from a clean forkserver (no threads, so no OpenMP fork hazards) that
    has imported NumPy, Numba and xarray once; a kept pool also keeps its loaded
    kernels, so that a second sweep starts at once. The pool is shut down at exit.

    The forkserver preloads third-party modules only, never ``hebbian``: CPython
    (3.11, 3.12) imports the preloaded modules before it applies the parent's
    ``sys.path``, with the current folder first on its path, so a folder named
    ``hebbian`` there (a clone, say) would be imported as an empty namespace package
    in place of the installed one. The workers import ``hebbian`` after their path is
    set.
    """
    import atexit
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = _POOL.get(workers)
    if pool is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["numpy", "numba", "xarray"])
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_single_thread_worker
        )
        _POOL[workers] = pool
        atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool


def _run_processes(chunks, runner, params, seed, workers, engine, finished):
    from concurrent.futures import BrokenExecutor, as_completed

    if not chunks:
        return
    pool = _process_pool(workers)
    futures = [pool.submit(run_chunk, runner, params, seed, c, False, engine) for c in chunks]
    try:
        for future in as_completed(futures):
            finished(future.result())
    except BaseException as exc:
        # a failed chunk (or Ctrl-C): stop the queued work instead of running it for nothing
        for future in futures:
            future.cancel()
        if isinstance(exc, (BrokenExecutor, KeyboardInterrupt)):
            _POOL.pop(workers, None)
            pool.shutdown(wait=False, cancel_futures=True)
        raise


#: How long to wait for a Dask scheduler before giving up.
DASK_CONNECT_TIMEOUT = "10s"


def _connect_dask(options: SweepOptions):
    """Connect to the cluster of ``options``; ValueError in one line when unreachable."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the installation
        raise ValueError(
            "the dask executor needs dask.distributed: pip install 'hebbian[dask]'"
        ) from None
    where = options.scheduler or f"the scheduler file {options.scheduler_file!r}"
    try:
        if options.scheduler_file is not None:
            return Client(scheduler_file=options.scheduler_file, timeout=DASK_CONNECT_TIMEOUT)
        return Client(options.scheduler, timeout=DASK_CONNECT_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure to connect is one line
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ValueError(f"cannot reach the Dask scheduler at {where}: {reason}") from None


#: How often a chunk is run again: after an error in it (Dask's ``retries``), and after
#: the death of the worker that held it (resubmitted by the sweep).
DASK_RETRIES = 3


def _run_dask(client, chunks_for, runner, params, seed, options, finished) -> int:
    """Run the chunks on a Dask cluster; chunks are sized from the cluster's workers.

    A chunk whose worker died (``KilledWorker``, once the scheduler stops rescheduling
    it) is submitted again, up to :data:`DASK_RETRIES` times: its points depend only on
    their seeds, so a rerun gives the same result.
    """
    from distributed import KilledWorker, as_completed

    workers = max(1, len(client.scheduler_info().get("workers", {})))

    def submit(chunk):
        return client.submit(
            run_chunk,
            runner,
            params,
            seed,
            chunk,
            True,
            options.engine_options(),
            pure=False,
            retries=DASK_RETRIES,
        )

    chunks = {submit(c): (c, 0) for c in chunks_for(workers)}
    pending = as_completed(list(chunks))
    try:
        for future in pending:
            chunk, deaths = chunks.pop(future)
            try:
                result = future.result()
            except KilledWorker:
                if deaths >= DASK_RETRIES:
                    raise
                again = submit(chunk)
                chunks[again] = (chunk, deaths + 1)
                pending.add(again)
                continue
            finished(result)
            future.release()
    except BaseException:
        client.cancel(list(chunks))
        raise
    return workers
