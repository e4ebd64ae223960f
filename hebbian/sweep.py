"""Run the grid points of an experiment: seeds, order independence, progress.

Every grid point ``i`` gets its own generator from
``numpy.random.SeedSequence(seed, spawn_key=(i,))``, so a point's result depends on the
configuration seed and its index only: not on the order in which points run, on how
they are chunked or on how many workers run them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["point_generator", "run_points"]


def point_generator(seed: int, index: int) -> np.random.Generator:
    """Return the generator of grid point ``index`` of a run with root ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


def run_points(
    fn: Callable[[dict, np.random.Generator], dict],
    points: Sequence[dict],
    *,
    seed: int,
    description: str = "points",
    progress: bool = True,
) -> tuple[list[dict], float]:
    """Run ``fn(point, rng)`` for every point, in order, in this process.

    A progress bar (points done/total, rate, remaining time) appears on stderr when the
    run lasts longer than 2 s and stderr is a terminal.

    Returns
    -------
    results : list of dict
        In the order of ``points``.
    wall_time : float
        Seconds.
    """
    from tqdm import tqdm

    start = time.perf_counter()
    bar = tqdm(
        total=len(points),
        desc=description,
        unit="pt",
        delay=2.0,
        file=sys.stderr,
        disable=(not progress) or None,
        leave=False,
    )
    results = []
    try:
        for i, point in enumerate(points):
            results.append(fn(point, point_generator(seed, i)))
            bar.update(1)
    finally:
        bar.close()
    return results, time.perf_counter() - start
