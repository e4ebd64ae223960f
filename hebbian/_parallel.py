"""Threads for the set-up of large arrays (patterns, models, exact sums).

NumPy copies, comparisons and reductions of large blocks release the GIL, so the set-up
of a large run splits them into ranges run in threads, one per CPU this process may use.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

__all__ = ["PARALLEL_ENTRIES", "in_threads", "split", "workers"]

#: Arrays with fewer entries are set up in the calling thread only.
PARALLEL_ENTRIES = 1 << 22


def workers() -> int:
    """Threads for the set-up of large arrays: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def split(n: int, parts: int, step: int = 1) -> list[tuple[int, int]]:
    """At most ``parts`` consecutive ranges covering ``0 .. n``, bounds multiples of ``step``."""
    steps = -(-n // step)
    per = -(-steps // max(parts, 1)) * step
    return [(lo, min(lo + per, n)) for lo in range(0, n, per)]


def in_threads(task, ranges) -> list:
    """Return ``[task(lo, hi) for lo, hi in ranges]``, one thread per range.

    The tasks are NumPy copies and reductions of large blocks, which release the GIL.
    """
    if len(ranges) < 2:
        return [task(lo, hi) for lo, hi in ranges]
    with ThreadPoolExecutor(len(ranges)) as pool:
        futures = [pool.submit(task, lo, hi) for lo, hi in ranges]
        return [f.result() for f in futures]
