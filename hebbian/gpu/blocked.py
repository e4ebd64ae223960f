"""The blocked sequential sweep: many chains, one site order, two matrix products a block.

This is the GPU engine's algorithm written once for any array module: run on NumPy it
is the ``"blocked"`` CPU backend, which the tests check spin for spin against the
reference kernels; run on CuPy (:mod:`hebbian.gpu.cupy_kernels`) it is the GPU engine,
with the visits of a block fused into one CUDA kernel.

Scheme (``DESIGN.md``, "The one idea that unifies the engines")
---------------------------------------------------------------
All chains of a call share the memories and the order of the sweep
(``site_order="shared"`` or ``"fixed"``). The order is cut into blocks of ``B``
consecutive visits, sites :math:`j_1, \\dots, j_B`. For each block:

1. the field numerators of the ``B`` sites of every chain at the start of the block
   come from one matrix product of the block's memory columns with the overlap sums
   (two products for p > 2, below);
2. the ``B`` sites are visited in order. A change :math:`d_t = \\sigma'_{j_t} -
   \\sigma_{j_t} \\in \\{-2, 0, 2\\}` adds :math:`G_{ut} d_t` to the numerator of every
   later visit ``u`` of the block, with :math:`G = \\xi_B^T \\xi_B` the in-block
   couplings (p = 2); for p > 2 the exact change of the coefficients below is added;
3. the overlap sums are updated with a second product, :math:`M \\mathrel{+}= \\xi_B d`.

Exact fields
------------
With equal weights the field of site ``j`` is :math:`h_j = w\\,\\nu_j / N^{p-1}` with the
integer numerator of :mod:`hebbian.montecarlo.reference`,

.. math:: \\nu_j = \\sum_k \\xi_{kj}\\, g_{p-1}(M_k - \\xi_{kj}\\sigma_j,\\; n_k - \\xi_{kj}^2).

Because :math:`a = \\xi_{kj}\\sigma_j \\in \\{-1, +1\\}` wherever :math:`\\xi_{kj} \\ne 0`,
:math:`g_{p-1}(M_k - a, n_k - 1) = A_k + a B_k` with the integers

.. math:: A_k = \\tfrac12[g_{p-1}(M_k - 1, n_k - 1) + g_{p-1}(M_k + 1, n_k - 1)], \\quad
          B_k = \\tfrac12[g_{p-1}(M_k - 1, n_k - 1) - g_{p-1}(M_k + 1, n_k - 1)],

so :math:`\\nu_j = \\sum_k \\xi_{kj} A_k + \\sigma_j \\sum_k \\xi_{kj}^2 B_k`: two products
with integer entries. For p = 2, :math:`A = M` and :math:`B = -1`, which gives the
familiar :math:`\\nu_j = \\sum_k \\xi_{kj} M_k - n_j \\sigma_j` (:math:`n_j = \\sum_k
\\xi_{kj}^2`, the self-interaction) and one product.

Every product is done in float64 with integer entries; it is exact, in any summation
order, while every partial sum stays below :math:`2^{53}`, which
:func:`prepare_hebbian` guarantees by requiring :math:`K (N + 1)^{p-1} < 2^{53}`
(:math:`|g_{p-1}| \\le N^{p-1}`). The overlap sums are kept as float64 integers during a
sweep (:math:`|M_k| \\le N`) and the updates :math:`\\xi_B d` have entries of at most
:math:`2B` in magnitude. The numerator is therefore the same integer as the CPU
kernels', :math:`h_j` the same float64 (``w * float(nu) / N**(p-1)``), and the update
rule is :func:`hebbian.montecarlo.dynamics.new_spins`, the element-wise form of the
CPU rule.

Limits: equal weights only (general weights are summed in a fixed order on the CPU,
which a matrix product does not keep) and Hebbian models only; every chain of a call
must visit the sites in the same order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hebbian.models import HebbianModel
from hebbian.montecarlo.arrays import HebbianArrays, prepare
from hebbian.montecarlo.dynamics import HEAT_BATH, ZERO_TEMPERATURE, new_spins
from hebbian.observables import ordered_products

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "BlockedArrays",
    "fused_block_step",
    "generic_block_step",
    "hebbian_sweep",
    "hebbian_synchronous",
    "model_limitation",
    "place",
    "prepare_hebbian",
    "shared_order",
    "to_host",
]

#: Visits per block: the in-block work grows as B, the number of products as N / B.
DEFAULT_BLOCK_SIZE = 64

#: Sites per product in the synchronous schedule (bounds the (sites, chains) buffers).
SYNCHRONOUS_CHUNK = 2048


class BlockedArrays(NamedTuple):
    """Model arrays of the blocked engines, on the array module ``xp``.

    Attributes
    ----------
    host : HebbianArrays
        The CPU kernels' arrays (for the initial overlap sums).
    xp : module
        ``numpy`` or ``cupy``.
    xi : (N, K) float64
        Memories, site-major, without padding.
    xi_sq : (N, K) float64 or None
        :math:`\\xi_{kj}^2` (p > 2 only).
    diag : (N,) float64
        :math:`n_j = \\sum_k \\xi_{kj}^2`.
    nnz_minus_one : (K, 1) float64
        :math:`n_k - 1`, for the coefficients of p > 2.
    n_memories : int
    w : float
    p : int
    norm : float
        ``float(N) ** (p - 1)``.
    block_size : int
    """

    host: HebbianArrays
    xp: object
    xi: object
    xi_sq: object
    diag: object
    nnz_minus_one: object
    n_memories: int
    w: float
    p: int
    norm: float
    block_size: int


def model_limitation(model) -> str | None:
    """Why the blocked engines cannot run ``model`` exactly, or None if they can."""
    if not isinstance(model, HebbianModel):
        return f"the blocked (GPU) engine runs Hebbian models only, got a {type(model).__name__}"
    if model.uniform_weight is None:
        return "the blocked (GPU) engine needs equal memory weights, got general weights"
    N, K, p = model.n_neurons, model.n_memories, model.p
    if K * (N + 1) ** (p - 1) >= 2**53:
        return (
            f"the blocked (GPU) engine's float64 products are exact for K (N+1)^(p-1) < "
            f"2**53, got K = {K}, N = {N}, p = {p}"
        )
    return None


def prepare_hebbian(
    model: HebbianModel, *, xp=np, block_size: int = DEFAULT_BLOCK_SIZE
) -> BlockedArrays:
    """Check that ``model`` runs exactly on the blocked engines and derive their arrays.

    Raises
    ------
    ValueError
        For general weights, or sizes with :math:`K (N + 1)^{p-1} \\ge 2^{53}` (the
        float64 products would no longer be exact).
    """
    limitation = model_limitation(model)
    if limitation is not None:
        raise ValueError(f"{limitation}; use the CPU engine (device='cpu')")
    host = prepare(model)
    K, p = model.n_memories, model.p
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    xi = host.xi_t[:, :K].astype(np.float64)
    return BlockedArrays(
        host=host,
        xp=xp,
        xi=xp.asarray(xi),
        xi_sq=xp.asarray(xi * xi) if p > 2 else None,
        diag=xp.asarray(host.diag.astype(np.float64)),
        nnz_minus_one=xp.asarray((host.nnz[:K] - 1).astype(np.float64)[:, None]),
        n_memories=K,
        w=float(host.w),
        p=p,
        norm=float(host.norm),
        block_size=int(block_size),
    )


def place(array: np.ndarray) -> np.ndarray:
    """Arrays of this backend live on the host: ``array`` unchanged."""
    return array


def to_host(array) -> np.ndarray:
    """Return ``array`` as a NumPy array."""
    return np.asarray(array)


def shared_order(order):
    """Return the (N,) site order shared by every chain of ``order`` (C, N).

    Raises
    ------
    ValueError
        When two chains visit the sites in different orders.
    """
    if order.shape[0] > 1 and order.strides[0] != 0 and not bool((order == order[0]).all()):
        raise ValueError(
            "the blocked (GPU) engine needs one site order shared by every chain; "
            "use site_order='shared' or 'fixed'"
        )
    return order[0]


def coefficients(arrays: BlockedArrays, M):
    """Return the integer coefficients :math:`A_k, B_k` (module docstring) of ``M`` (K, C)."""
    n1 = arrays.nnz_minus_one
    g_minus = ordered_products(arrays.p - 1, M - 1.0, n1)
    g_plus = ordered_products(arrays.p - 1, M + 1.0, n1)
    return 0.5 * (g_minus + g_plus), 0.5 * (g_minus - g_plus)


def block_numerators(arrays: BlockedArrays, xi_block, sites, s_old, M, A_B=None):
    """Field numerators :math:`\\nu_j` (b, C) of the block's sites at its start."""
    if arrays.p == 2:
        return xi_block @ M - arrays.diag[sites][:, None] * s_old
    A, B = A_B if A_B is not None else coefficients(arrays, M)
    return xi_block @ A + s_old * (arrays.xi_sq[sites] @ B)


class _State:
    """Work arrays of one sweep in chain-minor layout: sites or memories x chains."""

    def __init__(self, spins, sums, arrays, uniforms):
        xp = arrays.xp
        self.xp = xp
        self.spins_t = xp.ascontiguousarray(spins.T)  # (N, C) int8
        self.M = xp.ascontiguousarray(sums[:, : arrays.n_memories].T.astype(xp.float64))
        has_u = uniforms.shape[1] > 0
        self.uniforms_t = xp.ascontiguousarray(xp.asarray(uniforms).T) if has_u else None
        self.flips = xp.zeros(spins.shape[0], dtype=xp.int64)

    def write_back(self, spins, sums, arrays):
        spins[...] = self.spins_t.T
        sums[:, : arrays.n_memories] = self.M.T.astype(sums.dtype)


def generic_block_step(arrays, state, sites, rows, t0, beta, dynamics):
    """Advance every chain through one block of visits with array operations.

    Steps 1-3 of the module docstring: the numerators of the block from the products,
    the visits in order (one array operation per visit, for all chains at once), and
    the update of the overlap sums.

    Parameters
    ----------
    arrays : BlockedArrays
    state : _State
        Spins, sums and flip counts, updated in place.
    sites : (b,) int array
        Sites of the block in visiting order.
    rows : (b, K) float64
        Their memory rows, :math:`\\xi_{k j_t}`.
    t0 : int
        Position of the block's first visit in the sweep (the row of its uniforms).
    beta : float
    dynamics : int
    """
    xp = arrays.xp
    b = rows.shape[0]
    s_old = state.spins_t[sites].astype(xp.float64)
    num = block_numerators(arrays, rows, sites, s_old, state.M)
    d = xp.zeros_like(s_old)
    if arrays.p == 2:
        G = rows @ rows.T
    else:
        M = state.M.copy()
    for u in range(b):
        h = arrays.w * num[u] / arrays.norm
        U = None if state.uniforms_t is None else state.uniforms_t[t0 + u]
        d[u] = new_spins(xp, s_old[u], h, beta, U, dynamics) - s_old[u]
        if u + 1 == b:
            break
        if arrays.p == 2:
            num[u + 1 :] += G[u + 1 :, u, None] * d[u]
            continue
        flipped = xp.nonzero(d[u])[0]
        if flipped.size == 0:
            continue
        A0, B0 = coefficients(arrays, M[:, flipped])
        M[:, flipped] += rows[u][:, None] * d[u, flipped]
        A1, B1 = coefficients(arrays, M[:, flipped])
        later = sites[u + 1 :]
        num[u + 1 :, flipped] += rows[u + 1 :] @ (A1 - A0) + s_old[u + 1 :, flipped] * (
            arrays.xi_sq[later] @ (B1 - B0)
        )
    state.spins_t[sites] = (s_old + d).astype(xp.int8)
    state.flips += (d != 0).sum(axis=0)
    state.M += rows.T @ d


def fused_block_step(arrays, state, sites, rows, t0, beta, dynamics, *, block_pass, accumulate):
    """One block of visits (p = 2) with the in-block pass done by one compiled kernel.

    The glue around the kernel of :mod:`hebbian.gpu.cuda_source`, for any array module:
    the block-start products :math:`\\sum_k \\xi_{kj} M_k` (one product), the in-block
    couplings :math:`G = \\xi_B \\xi_B^T` (one small product), the kernel (which
    subtracts the self-interaction, adds the in-block terms, applies the rule and writes
    the spins and flip counts), and :math:`M \\mathrel{+}= \\xi_B^T d`.

    Parameters
    ----------
    arrays, state, sites, rows, t0, beta, dynamics
        As for :func:`generic_block_step`.
    block_pass : callable
        ``block_pass(n_chains, args)`` launches the kernel over the chains with
        ``args`` in the kernel's parameter order (CuPy's ``RawKernel`` on the GPU; the
        same source compiled for the host in the tests).
    accumulate : callable
        ``accumulate(M, rows, d)`` adds ``rows.T @ d`` to ``M`` in place.
    """
    xp = arrays.xp
    b, C = rows.shape[0], state.M.shape[1]
    products = rows @ state.M
    G = rows @ rows.T
    has_u = state.uniforms_t is not None
    uniforms = state.uniforms_t[t0 : t0 + b] if has_u else products  # unread placeholder
    d = xp.empty_like(products)
    block_pass(
        C,
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
    accumulate(state.M, rows, d)


def hebbian_sweep(
    spins, sums, arrays: BlockedArrays, beta, dynamics, order, uniforms, *, block_step=None
):
    """One sequential sweep of every chain by blocks (module docstring); in place.

    Same arguments and result as :func:`hebbian.montecarlo.reference.hebbian_sweep`,
    except that ``arrays`` are :class:`BlockedArrays` and every row of ``order`` must
    be the same. ``block_step`` replaces :func:`generic_block_step` (the GPU engine's
    fused step does).
    """
    xp = arrays.xp
    block_step = block_step or generic_block_step
    sites_all = xp.asarray(shared_order(order), dtype=xp.int32)
    rows_all = arrays.xi[sites_all]  # memory rows in visiting order: one gather a sweep
    state = _State(spins, sums, arrays, uniforms)
    N, B = spins.shape[1], arrays.block_size
    for t0 in range(0, N, B):
        block_step(
            arrays, state, sites_all[t0 : t0 + B], rows_all[t0 : t0 + B], t0, beta, dynamics
        )
    state.write_back(spins, sums, arrays)
    return state.flips


def hebbian_synchronous(spins, sums, arrays: BlockedArrays, beta, uniforms):
    """One synchronous (Little) update of every chain from the old fields; in place.

    The numerators of all sites come from the same products as in a block, taken at
    the old configuration (:data:`SYNCHRONOUS_CHUNK` sites at a time); the rule is heat
    bath at T > 0 and the sign rule at T = 0, as in the reference.
    """
    xp = arrays.xp
    rule = ZERO_TEMPERATURE if uniforms.shape[1] == 0 else HEAT_BATH
    state = _State(spins, sums, arrays, uniforms)
    N = spins.shape[1]
    A_B = None if arrays.p == 2 else coefficients(arrays, state.M)
    d = xp.empty((N, spins.shape[0]), dtype=xp.float64)
    for a in range(0, N, SYNCHRONOUS_CHUNK):
        sites = xp.arange(a, min(a + SYNCHRONOUS_CHUNK, N))
        s_old = state.spins_t[a : a + SYNCHRONOUS_CHUNK].astype(xp.float64)
        num = block_numerators(
            arrays, arrays.xi[a : a + SYNCHRONOUS_CHUNK], sites, s_old, state.M, A_B
        )
        h = arrays.w * num / arrays.norm
        U = None if state.uniforms_t is None else state.uniforms_t[a : a + SYNCHRONOUS_CHUNK]
        d[a : a + SYNCHRONOUS_CHUNK] = new_spins(xp, s_old, h, beta, U, rule) - s_old
    for a in range(0, N, SYNCHRONOUS_CHUNK):
        state.M += arrays.xi[a : a + SYNCHRONOUS_CHUNK].T @ d[a : a + SYNCHRONOUS_CHUNK]
    state.spins_t += d.astype(xp.int8)
    state.flips += (d != 0).sum(axis=0)
    state.write_back(spins, sums, arrays)
    return state.flips
