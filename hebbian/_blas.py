"""Thread-local BLAS threads for NumPy's bundled OpenBLAS, where it offers them.

The resonator's matrix products are narrow (:math:`t \\times N` by :math:`N \\times D`,
:math:`D` of order 100): on a small shared machine OpenBLAS's own threads spend more
time waiting for each other than computing (we measured 15 GFLOP/s with two threads
against 90 GFLOP/s with one, float32, :math:`t = 500, N = 1500, D = 79`). The batch is
therefore split over Python threads, each with a one-thread BLAS, set through
OpenBLAS's ``openblas_set_num_threads_local`` (thread-local, OpenBLAS >= 0.3.27), so
nothing outside the calling thread changes. Where NumPy's BLAS has no such function
(another BLAS, another platform) :func:`blas_threads` does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os
from contextlib import contextmanager

__all__ = ["blas_threads", "has_local_threads"]


@functools.lru_cache(maxsize=1)
def _local_setter():
    """OpenBLAS's ``openblas_set_num_threads_local`` from NumPy's wheel, or None."""
    try:
        import numpy

        folder = os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), "numpy.libs")
        for path in sorted(glob.glob(os.path.join(folder, "*openblas*"))):
            try:
                lib = ctypes.CDLL(path)  # already loaded by NumPy: the same handle
            except OSError:
                continue
            setter = getattr(lib, "openblas_set_num_threads_local", None)
            if setter is not None:
                setter.restype = ctypes.c_int
                setter.argtypes = [ctypes.c_int]
                return setter
    except Exception:  # pragma: no cover - depends on the installation
        return None
    return None  # pragma: no cover - depends on the installation


def has_local_threads() -> bool:
    """Whether :func:`blas_threads` can set the BLAS threads of the calling thread."""
    return _local_setter() is not None


@contextmanager
def blas_threads(count: int):
    """Run the block with ``count`` BLAS threads in the calling thread (if possible)."""
    setter = _local_setter()
    if setter is None:  # pragma: no cover - depends on the installation
        yield
        return
    previous = setter(count)
    try:
        yield
    finally:
        setter(previous)
