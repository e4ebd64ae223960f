"""The GPU engine: the blocked scheme of :mod:`hebbian.montecarlo.blocked` on CuPy.

The ``"cupy"`` backend (:data:`BACKEND`, a :class:`~hebbian.montecarlo.backends.Backend`
with the semantics of :mod:`hebbian.montecarlo.reference`); spins and overlap sums
stay on the device. For
p = 2 the visits of a block run in one fused CUDA kernel
(:mod:`hebbian.gpu.cuda_source`), so a block costs four launches
(:func:`fused_block_step`); the memory rows and self-interactions are gathered in
visiting order once a sweep. For p > 2 the in-block visits use the array form,
:func:`hebbian.montecarlo.blocked.generic_block_step` (exact, but a dozen launches and one
device-to-host wait, for the flipped chains, a visit: slow).

Importing this module imports CuPy; it raises
:class:`~hebbian.device.GPUUnavailableError` where there is no CuPy or device.
"""

from __future__ import annotations

import functools

import numpy as np

from hebbian.device import require_cupy
from hebbian.gpu.cuda_source import BLOCK_PASS_P2, COMPILE_OPTIONS
from hebbian.montecarlo import blocked
from hebbian.montecarlo.backends import Backend
from hebbian.montecarlo.blocked import MAX_BLOCK_SIZE

cp = require_cupy()
from cupy import cublas  # noqa: E402  (after the availability check)

__all__ = [
    "BACKEND",
    "fused_block_step",
    "hebbian_sweep",
    "hebbian_synchronous",
    "place",
    "to_host",
]

#: Visits per block on the GPU. Every block reads the float64 sums (K, C) for its
#: numerators and reads and writes them for its update, so that traffic falls as 1/B,
#: while the in-block work grows only with the flips; 256 is the largest block the
#: kernel's flip list holds. Not yet tuned on a GPU (``benchmarks/gpu.py`` times 64,
#: 128 and 256).
DEFAULT_BLOCK_SIZE = MAX_BLOCK_SIZE

#: Threads per CUDA block of the fused pass (one thread per chain): small, so that
#: 1024 chains still spread over 32 of the multiprocessors.
THREADS = 32

_KERNEL = None


def _block_pass_kernel():
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = cp.RawKernel(BLOCK_PASS_P2, "hebbian_block_pass_p2", options=COMPILE_OPTIONS)
    return _KERNEL


def prepare_hebbian(models, *, block_size: int = DEFAULT_BLOCK_SIZE):
    """:func:`hebbian.montecarlo.blocked.prepare_hebbian` with the arrays on the GPU."""
    if block_size > MAX_BLOCK_SIZE:
        raise ValueError(f"block_size must be <= {MAX_BLOCK_SIZE} on the GPU, got {block_size}")
    return blocked.prepare_hebbian(models, xp=cp, block_size=block_size)


def place(array: np.ndarray):
    """Copy a host array to the GPU."""
    return cp.asarray(array)


def to_host(array) -> np.ndarray:
    """Copy a device array to the host."""
    return cp.asnumpy(array)


def _launch_block_pass(n_threads, args):
    blocks = (n_threads + THREADS - 1) // THREADS
    _block_pass_kernel()((blocks,), (THREADS,), args)


def _accumulate(M, rows, d):
    if M.shape[0] == 1:  # one member: one GEMM that accumulates in place
        cublas.gemm("T", "N", rows[0], d[0], out=M[0], alpha=1.0, beta=1.0)
    else:
        M += rows.transpose(0, 2, 1) @ d


#: :func:`hebbian.montecarlo.blocked.fused_block_step` on the GPU: four launches a block.
fused_block_step = functools.partial(
    blocked.fused_block_step, block_pass=_launch_block_pass, accumulate=_accumulate
)


def hebbian_sweep(spins, sums, arrays, beta, dynamics, order, uniforms):
    """One sequential sweep of every chain on the GPU (in place); flips per chain."""
    block_step = fused_block_step if arrays.p == 2 else None
    return blocked.hebbian_sweep(
        spins, sums, arrays, beta, dynamics, order, uniforms, block_step=block_step
    )


def hebbian_synchronous(spins, sums, arrays, beta, uniforms):
    """One synchronous (Little) update of every chain on the GPU (in place)."""
    return blocked.hebbian_synchronous(spins, sums, arrays, beta, uniforms)


#: The ``"cupy"`` backend, registered by :mod:`hebbian.gpu`.
BACKEND = Backend(
    name="cupy",
    hebbian_sweep=hebbian_sweep,
    hebbian_synchronous=hebbian_synchronous,
    prepare_hebbian=prepare_hebbian,
    place=place,
    to_host=to_host,
)
