"""The GPU engine: the blocked scheme of :mod:`hebbian.gpu.blocked` on CuPy.

Same functions and signatures as the other kernel modules
(:mod:`hebbian.montecarlo.reference`); spins and overlap sums stay on the device. For
p = 2 the visits of a block run in one fused CUDA kernel
(:mod:`hebbian.gpu.cuda_source`), so a block costs four launches
(:func:`fused_block_step`); the memory rows are gathered in visiting order once a
sweep. For p > 2 the in-block visits use the array form,
:func:`hebbian.gpu.blocked.generic_block_step` (exact, a few launches a visit).

Importing this module imports CuPy; it raises
:class:`~hebbian.gpu.device.GPUUnavailableError` where there is no CuPy or device.
"""

from __future__ import annotations

import numpy as np

from hebbian.gpu import blocked
from hebbian.gpu.cuda_source import BLOCK_PASS_P2, COMPILE_OPTIONS, MAX_BLOCK_SIZE
from hebbian.gpu.device import require_cupy

cp = require_cupy()
from cupy import cublas  # noqa: E402  (after the availability check)

__all__ = ["fused_block_step", "hebbian_sweep", "hebbian_synchronous", "place", "to_host"]

#: Threads per CUDA block of the fused pass (one thread per chain).
THREADS = 64

_KERNEL = None


def _block_pass_kernel():
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = cp.RawKernel(BLOCK_PASS_P2, "hebbian_block_pass_p2", options=COMPILE_OPTIONS)
    return _KERNEL


def prepare_hebbian(model, *, block_size: int = blocked.DEFAULT_BLOCK_SIZE):
    """:func:`hebbian.gpu.blocked.prepare_hebbian` with the arrays on the GPU."""
    if block_size > MAX_BLOCK_SIZE:
        raise ValueError(f"block_size must be <= {MAX_BLOCK_SIZE} on the GPU, got {block_size}")
    return blocked.prepare_hebbian(model, xp=cp, block_size=block_size)


def place(array: np.ndarray):
    """Copy a host array to the GPU."""
    return cp.asarray(array)


def to_host(array) -> np.ndarray:
    """Copy a device array to the host."""
    return cp.asnumpy(array)


def fused_block_step(arrays, state, sites, rows, t0, beta, dynamics):
    """:func:`hebbian.gpu.blocked.generic_block_step` for p = 2 in four launches.

    The block-start products :math:`\\sum_k \\xi_{kj} M_k` (one GEMM), the in-block
    couplings :math:`G = \\xi_B \\xi_B^T` (one small GEMM), the fused pass (which
    subtracts the self-interaction, adds the in-block terms, applies the rule and
    writes the spins and flip counts) and :math:`M \\mathrel{+}= \\xi_B^T d` (one GEMM
    that accumulates in place).
    """
    b, C = rows.shape[0], state.M.shape[1]
    products = rows @ state.M
    G = rows @ rows.T
    has_u = state.uniforms_t is not None
    uniforms = state.uniforms_t[t0 : t0 + b] if has_u else products  # unread placeholder
    d = cp.empty_like(products)
    _block_pass_kernel()(
        ((C + THREADS - 1) // THREADS,),
        (THREADS,),
        (
            products,
            G,
            arrays.diag[sites],
            sites,
            state.spins_t,
            uniforms,
            d,
            state.flips,
            np.int32(b),
            np.int32(C),
            np.float64(beta),
            np.float64(arrays.w),
            np.float64(arrays.norm),
            np.int32(dynamics),
            np.int32(has_u),
        ),
    )
    cublas.gemm("T", "N", rows, d, out=state.M, alpha=1.0, beta=1.0)


def hebbian_sweep(spins, sums, arrays, beta, dynamics, order, uniforms):
    """One sequential sweep of every chain on the GPU (in place); flips per chain."""
    block_step = fused_block_step if arrays.p == 2 else None
    return blocked.hebbian_sweep(
        spins, sums, arrays, beta, dynamics, order, uniforms, block_step=block_step
    )


def hebbian_synchronous(spins, sums, arrays, beta, uniforms):
    """One synchronous (Little) update of every chain on the GPU (in place)."""
    return blocked.hebbian_synchronous(spins, sums, arrays, beta, uniforms)
