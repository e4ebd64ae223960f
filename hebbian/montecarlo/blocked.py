"""The blocked sequential sweep: many chains, one site order, two matrix products a block.

This is the GPU engine's algorithm written once for any array module: run on NumPy it
is the ``"blocked"`` CPU backend, which the tests check spin for spin against the
reference kernels; run on CuPy (the ``"cupy"`` backend that :mod:`hebbian.gpu`
supplies) it is the GPU engine, with the visits of a block fused into one CUDA kernel.

Scheme (the design notes' "one idea that unifies the engines", on a GPU)
------------------------------------------------------------------------
All chains of a call share the memories and the order of the sweep
(``site_order="shared"`` or ``"fixed"``). The order is cut into blocks of ``B``
consecutive visits, sites :math:`j_1, \\dots, j_B`; :math:`\\xi_B` is the (B, K) matrix
of their memory rows, :math:`(\\xi_B)_{tk} = \\xi_{k j_t}`. For each block:

1. the field numerators of the ``B`` sites of every chain at the start of the block
   come from one matrix product, :math:`\\xi_B M` with the overlap sums ``M`` (K, C)
   (two products for p > 2, below);
2. the ``B`` sites are visited in order. A change :math:`d_t = \\sigma'_{j_t} -
   \\sigma_{j_t} \\in \\{-2, 0, 2\\}` adds :math:`G_{ut} d_t` to the numerator of every
   later visit ``u`` of the block, with :math:`G = \\xi_B \\xi_B^T` the in-block
   couplings (p = 2); for p > 2 the exact change of the coefficients below is added;
3. the overlap sums are updated with a second product,
   :math:`M \\mathrel{+}= \\xi_B^T d`.

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
order, while every partial sum stays below :math:`2^{53}`. From the recursion of
:func:`hebbian.observables.ordered_products`, :math:`|g_j(S, m)| \\le (N + j)^j` for
:math:`|S| \\le N + 1` and :math:`m \\le N` (induction on ``j``), so
:math:`|A_k|, |B_k| \\le (N + p - 1)^{p-1}`, and :func:`prepare_hebbian` requires
:math:`K (N + p - 1)^{p-1} < 2^{52}` (a factor 2 for the in-block differences of the
coefficients). The overlap sums are kept as float64 integers during a sweep
(:math:`|M_k| \\le N`) and the updates :math:`\\xi_B^T d` have entries of at most
:math:`2B` in magnitude. The numerator is therefore the same integer as the CPU
kernels', :math:`h_j` the same float64 (``w * float(nu) / N**(p-1)``), and the update
rule is :func:`hebbian.montecarlo.dynamics.new_spins`, the element-wise form of the
CPU rule.

Integer memories (p = 2 and 3, entries up to :math:`X = \\max|\\xi_{kj}|`; see
:class:`~hebbian.models.HebbianModel`) take the same paths. At p >= 4 their field needs
the spin-dependent odd power sums :math:`\\sum_i \\xi_{ki}^3\\sigma_i` that only the CPU
engines track, so :func:`model_limitation` refuses them here (``device="auto"`` runs
them on the CPU). At p = 2 :math:`n_j` becomes
:math:`\\sum_k \\xi_{kj}^2 \\le K X^2` (``diag``, the squares summed, as for ternary
entries), :math:`|M_k| \\le X N`, every partial sum of :math:`\\xi_B M` is bounded by
:math:`K X^2 N`, the in-block couplings :math:`|G_{ut}| \\le K X^2` and the updates
:math:`|\\xi_B^T d| \\le 2 B X`. :func:`model_limitation` therefore asks for
:math:`K (N + 1) X^2 < 2^{52}` (the ternary bound times :math:`X^2`), and the numerators
stay the CPU kernels' integers. Nothing in the scheme, nor in the fused CUDA pass of
:mod:`hebbian.gpu.cuda_source` (float64 numerators, couplings and self-interactions,
spin changes of +-2), assumes entries in {-1, 0, +1}.

At p = 3, :math:`a = \\xi_{kj}\\sigma_j` ranges over :math:`[-X, X]` and the other sites
hold the squares :math:`n_k - \\xi_{kj}^2` with :math:`n_k = \\sum_i \\xi_{ki}^2`, so
:math:`\\xi_{kj}\\, g_2(M_k - a, n_k - \\xi_{kj}^2) = \\xi_{kj}(M_k^2 - n_k) -
2\\sigma_j \\xi_{kj}^2 M_k + 2\\xi_{kj}^3`. With the coefficients above taken at
:math:`n_k - 1` (:math:`A_k = M_k^2 - n_k + 2`, :math:`B_k = -2 M_k`),

.. math:: \\nu_j = \\sum_k \\xi_{kj} A_k + \\sigma_j \\sum_k \\xi_{kj}^2 B_k + c_j, \\qquad
          c_j = 2\\sum_k (\\xi_{kj}^3 - \\xi_{kj}),

a constant per site (``cube_excess``; zero for ternary entries, where it is left
out). The in-block updates change :math:`A` and :math:`B` only, as before. Here
:math:`|A_k| \\le (N + 2)^2 X^2`, :math:`|\\xi_{kj}^2 B_k| \\le 2 N X^3` and
:math:`|c_j| \\le 2 K X^3`, so every partial sum stays below
:math:`2 K (N + 2)^2 X^3`: :func:`model_limitation` asks for
:math:`K (N + p - 1)^{p-1} X^p < 2^{52}`, the ternary bound times :math:`X^p` at
p = 2 and 3 alike. No fused pass exists for p > 2 (the GPU runs
:func:`generic_block_step`, as for ternary memories).

Batches
-------
A call may advance ``D`` models at once (*members*: disorder samples, loads,
temperatures), each with its own ``C`` chains, site order, uniforms and inverse
temperature: every array gets a leading member axis, the products become batched
products, and the members' memories are padded with zero columns to the largest ``K``
(a zero column adds nothing to any numerator or sum). Two-dimensional arguments are one
member. Members must share ``N``, ``p``, ``C`` and the dynamics.

Limits: equal weights only (general weights are summed in a fixed order on the CPU,
which a matrix product does not keep) and Hebbian models only; every chain of a member
must visit the sites in the same order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hebbian.models import HebbianModel
from hebbian.montecarlo.dynamics import HEAT_BATH, ZERO_TEMPERATURE, new_spins
from hebbian.observables import ordered_products

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "MAX_BLOCK_SIZE",
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

#: Largest block of a fused pass (the CUDA kernel's per-thread flip list holds this many).
MAX_BLOCK_SIZE = 256

#: Sites per product in the synchronous schedule (bounds the (sites, chains) buffers).
SYNCHRONOUS_CHUNK = 2048


class BlockedArrays(NamedTuple):
    """Arrays of ``D`` member models for the blocked engines, on the array module ``xp``.

    Attributes
    ----------
    xp : module
        ``numpy`` or ``cupy``.
    xi : (D, N, K) float64
        Memories, site-major, zero-padded to the largest ``K`` of the members (integers,
        int8 or int16 in the models).
    diag : (D, N) float64
        :math:`n_j = \\sum_k \\xi_{kj}^2` (the p = 2 self-interaction; a sum of squares
        for integer memories).
    nnz_minus_one : (D, K, 1) float64
        :math:`n_k - 1` with :math:`n_k = \\sum_i \\xi_{ki}^2` (the non-blank count of
        ternary memories), for the coefficients of p > 2.
    w : (D,) float64
        The common weight of each member.
    n_memories : int
        ``K`` (the padded count).
    p : int
    norm : float
        ``float(N) ** (p - 1)``.
    block_size : int
    cube_excess : (D, N) float64 or None
        :math:`c_j = 2\\sum_k (\\xi_{kj}^3 - \\xi_{kj})`, added to the p = 3 numerators
        of integer memories (module docstring); None when no member needs it (p = 2, or
        ternary memories only).
    """

    xp: object
    xi: object
    diag: object
    nnz_minus_one: object
    w: object
    n_memories: int
    p: int
    norm: float
    block_size: int
    cube_excess: object = None


def model_limitation(model) -> str | None:
    """Why the blocked engines cannot run ``model`` exactly, or None if they can.

    The float64 products are exact for :math:`K (N + p - 1)^{p-1} X^p < 2^{52}`, with
    :math:`X = \\max|\\xi_{ki}|` (1 for ternary memories; integer memories run here at
    p = 2 and 3 only), from the bounds of the module docstring. Integer memories at
    p >= 4 need the odd power sums that only the CPU engines track.
    """
    if not isinstance(model, HebbianModel):
        return f"the blocked (GPU) engine runs Hebbian models only, got a {type(model).__name__}"
    if model.uniform_weight is None:
        return "the blocked (GPU) engine needs equal memory weights, got general weights"
    N, K, p = model.n_neurons, model.n_memories, model.p
    X = max(model.max_abs_entry, 1)
    if X > 1 and p >= 4:
        return (
            f"the blocked (GPU) engine runs integer memories up to p = 3, got p = {p} with "
            f"max|xi| = {X} (the field needs the odd power sums sum_i xi^3 sigma_i that "
            f"only the CPU engines track)"
        )
    if K * (N + p - 1) ** (p - 1) * X**p >= 2**52:
        entries = "" if X == 1 else f" (times max|xi|^{p} = {X}^{p} for integer memories)"
        return (
            f"the blocked (GPU) engine's float64 products are exact for K (N+p-1)^(p-1) < "
            f"2**52{entries}, got K = {K}, N = {N}, p = {p}"
        )
    return None


def prepare_hebbian(models, *, xp=np, block_size: int = DEFAULT_BLOCK_SIZE) -> BlockedArrays:
    """Check that the models run exactly on the blocked engines and derive their arrays.

    Parameters
    ----------
    models : HebbianModel or sequence of HebbianModel
        One model, or the ``D`` members of a batch (same ``N`` and ``p``).
    xp : module
    block_size : int

    Raises
    ------
    ValueError
        For general weights, sizes with :math:`K (N + p - 1)^{p-1} X^p \\ge 2^{52}`
        (:func:`model_limitation`: the float64 products would no longer be exact), or
        members of different ``N`` or ``p``.
    """
    models = [models] if isinstance(models, HebbianModel) else list(models)
    for model in models:
        limitation = model_limitation(model)
        if limitation is not None:
            raise ValueError(f"{limitation}; use the CPU engine (device='cpu')")
    sizes = sorted({(m.n_neurons, m.p) for m in models})
    if len(sizes) != 1:
        raise ValueError(
            f"the members of a batch need one (n_neurons, p), got {', '.join(map(str, sizes))}"
        )
    N, p = sizes[0]
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    K = max(m.n_memories for m in models)
    xi = np.zeros((len(models), N, K))
    nnz = np.zeros((len(models), K))
    for i, m in enumerate(models):
        xi[i, :, : m.n_memories] = m.site_major[:, : m.n_memories]
        nnz[i, : m.n_memories] = m.square_sums  # the counts for ternary memories
    squares = xi * xi
    diag = squares.sum(axis=2)
    cube_excess = None
    if p > 2 and not all(m.is_ternary for m in models):
        squares -= 1.0  # in place: no temporary beyond the squares
        squares *= xi
        cube_excess = xp.asarray(2.0 * squares.sum(axis=2))
    del squares
    return BlockedArrays(
        xp=xp,
        xi=xp.asarray(xi),
        diag=xp.asarray(diag),
        nnz_minus_one=xp.asarray((nnz - 1.0)[:, :, None]),
        w=xp.asarray([m.uniform_weight for m in models], dtype=np.float64),
        n_memories=K,
        p=p,
        norm=float(N) ** (p - 1),
        block_size=int(block_size),
        cube_excess=cube_excess,
    )


def place(array: np.ndarray) -> np.ndarray:
    """Arrays of this backend live on the host: ``array`` unchanged."""
    return array


def to_host(array) -> np.ndarray:
    """Return ``array`` as a NumPy array."""
    return np.asarray(array)


def shared_order(order):
    """Return the site order (..., N) shared by the chains of ``order`` (..., C, N).

    Raises
    ------
    ValueError
        When two chains of a member visit the sites in different orders.
    """
    shared = order.shape[-2] == 1 or order.strides[-2] == 0
    if not shared and not bool((order == order[..., :1, :]).all()):
        raise ValueError(
            "the blocked (GPU) engine needs one site order shared by every chain; "
            "use site_order='shared' or 'fixed'"
        )
    return order[..., 0, :]


def coefficients(arrays: BlockedArrays, M, n_minus_one):
    """Return the integer coefficients :math:`A_k, B_k` (module docstring) of sums ``M``.

    ``n_minus_one`` (:math:`n_k - 1`) broadcasts against ``M``.
    """
    g_minus = ordered_products(arrays.p - 1, M - 1.0, n_minus_one)
    g_plus = ordered_products(arrays.p - 1, M + 1.0, n_minus_one)
    return 0.5 * (g_minus + g_plus), 0.5 * (g_minus - g_plus)


def block_numerators(arrays: BlockedArrays, rows, diag, s_old, M, A_B=None, cubes=None):
    """Field numerators :math:`\\nu_j` (D, b, C) of a block's sites at its start.

    ``rows`` (D, b, K) are the sites' memory rows, ``diag`` (D, b) their
    :math:`n_j`, ``s_old`` (D, b, C) their spins, ``M`` (D, K, C) the overlap sums;
    ``A_B``, the coefficients of ``M`` for p > 2, when already computed; ``cubes``
    (D, b), the sites' :math:`c_j` (``arrays.cube_excess``) for integer memories at
    p = 3, else None.
    """
    if arrays.p == 2:
        return rows @ M - diag[:, :, None] * s_old
    A, B = coefficients(arrays, M, arrays.nnz_minus_one) if A_B is None else A_B
    num = rows @ A + s_old * ((rows * rows) @ B)
    if cubes is not None:
        num += cubes[:, :, None]
    return num


class _State:
    """Work arrays of one sweep, chain-minor: (members, sites or memories, chains)."""

    def __init__(self, spins, sums, arrays, beta, uniforms):
        xp = arrays.xp
        self.members = xp.arange(spins.shape[0])[:, None]  # for gathers by site
        self.spins_t = xp.ascontiguousarray(spins.transpose(0, 2, 1))  # (D, N, C) int8
        M = sums[:, :, : arrays.n_memories].transpose(0, 2, 1)
        self.M = xp.ascontiguousarray(M.astype(xp.float64))  # (D, K, C)
        has_u = uniforms.shape[-1] > 0
        self.uniforms_t = (
            xp.ascontiguousarray(xp.asarray(uniforms).transpose(0, 2, 1)) if has_u else None
        )
        self.beta = xp.asarray(np.broadcast_to(beta, spins.shape[:1]), dtype=xp.float64)
        self.flips = xp.zeros(spins.shape[:2], dtype=xp.int64)  # (D, C)

    def write_back(self, spins, sums, arrays):
        spins[...] = self.spins_t.transpose(0, 2, 1)
        sums[:, :, : arrays.n_memories] = self.M.transpose(0, 2, 1).astype(sums.dtype)


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
    sites : (D, b) int array
        Sites of the block in visiting order, per member.
    rows : (D, b, K) float64
        Their memory rows, :math:`\\xi_{k j_t}`.
    t0 : int
        Position of the block's first visit in the sweep (the row of its uniforms).
    beta : (D, 1) array
        Inverse temperature of each member.
    dynamics : int
    """
    xp = arrays.xp
    b = rows.shape[1]
    members = state.members
    s_old = state.spins_t[members, sites].astype(xp.float64)  # (D, b, C)
    cubes = None if arrays.cube_excess is None else arrays.cube_excess[members, sites]
    num = block_numerators(arrays, rows, arrays.diag[members, sites], s_old, state.M, cubes=cubes)
    w = arrays.w[:, None]
    d = xp.zeros_like(s_old)
    if arrays.p == 2:
        G = rows @ rows.transpose(0, 2, 1)
    else:
        M = state.M.copy()
        rows_sq = rows * rows
    for u in range(b):
        h = w * num[:, u] / arrays.norm
        U = None if state.uniforms_t is None else state.uniforms_t[:, t0 + u]
        d[:, u] = new_spins(xp, s_old[:, u], h, beta, U, dynamics) - s_old[:, u]
        if u + 1 == b:
            break
        if arrays.p == 2:
            num[:, u + 1 :] += G[:, u + 1 :, u, None] * d[:, u, None, :]
            continue
        dd, cc = xp.nonzero(d[:, u])  # the (member, chain) pairs that flipped
        if dd.size == 0:
            continue
        n1 = arrays.nnz_minus_one[dd, :, 0]
        A0, B0 = coefficients(arrays, M[dd, :, cc], n1)
        M[dd, :, cc] += rows[dd, u] * d[dd, u, cc][:, None]
        A1, B1 = coefficients(arrays, M[dd, :, cc], n1)
        later = slice(u + 1, None)
        num[dd, later, cc] += xp.einsum("fk,fjk->fj", A1 - A0, rows[dd, later]) + s_old[
            dd, later, cc
        ] * xp.einsum("fk,fjk->fj", B1 - B0, rows_sq[dd, later])
    state.spins_t[members, sites] = (s_old + d).astype(xp.int8)
    state.flips += (d != 0).sum(axis=1)
    state.M += rows.transpose(0, 2, 1) @ d


def fused_block_step(arrays, state, sites, rows, t0, beta, dynamics, *, block_pass, accumulate):
    """One block of visits (p = 2) with the in-block pass done by one compiled kernel.

    The glue around the kernel of :mod:`hebbian.gpu.cuda_source`, for any array module:
    the block-start products :math:`\\sum_k \\xi_{kj} M_k` (one batched product), the
    in-block couplings :math:`G = \\xi_B \\xi_B^T` (one small batched product), the
    kernel (which subtracts the self-interaction, adds the in-block terms, applies the
    rule and writes the spins and flip counts), and :math:`M \\mathrel{+}= \\xi_B^T d`.

    Parameters
    ----------
    arrays, state, sites, rows, t0, beta, dynamics
        As for :func:`generic_block_step`; the kernel reads the block's sites and
        self-interactions from the sweep's tables ``state.sites`` and
        ``state.diag_visits`` (D, N), from position ``t0``.
    block_pass : callable
        ``block_pass(n_threads, args)`` launches the kernel over ``D * C`` threads with
        ``args`` in the kernel's parameter order (CuPy's ``RawKernel`` on the GPU; the
        same source compiled for the host in the tests).
    accumulate : callable
        ``accumulate(M, rows, d)`` adds ``rows^T @ d`` to ``M`` (D, K, C) in place.
    """
    xp = arrays.xp
    D, b = rows.shape[:2]
    C = state.M.shape[2]
    if b > MAX_BLOCK_SIZE:
        raise ValueError(f"block_size must be <= {MAX_BLOCK_SIZE} for the fused pass, got {b}")
    products = rows @ state.M
    G = rows @ rows.transpose(0, 2, 1)
    has_u = state.uniforms_t is not None
    d = xp.empty_like(products)
    block_pass(
        D * C,
        (
            products,
            G,
            state.diag_visits,
            state.sites,
            state.spins_t,
            state.uniforms_t if has_u else products,  # unread placeholder
            d,
            state.flips,
            state.beta,
            arrays.w,
            np.int32(t0),
            np.int32(state.spins_t.shape[1]),
            np.int32(b),
            np.int32(C),
            np.int32(D),
            np.float64(arrays.norm),
            np.int32(dynamics),
            np.int32(has_u),
        ),
    )
    accumulate(state.M, rows, d)


def _as_batch(spins, sums, order, uniforms):
    """View one member's (C, ...) arguments as a batch of one; batches unchanged."""
    if spins.ndim == 3:
        return spins, sums, order, uniforms
    return spins[None], sums[None], order[None], uniforms[None]


def hebbian_sweep(
    spins, sums, arrays: BlockedArrays, beta, dynamics, order, uniforms, *, block_step=None
):
    """One sequential sweep of every chain by blocks (module docstring); in place.

    Same arguments and result as :func:`hebbian.montecarlo.reference.hebbian_sweep`
    for one member, with :class:`BlockedArrays` and the rows of ``order`` all equal; a
    batch passes ``spins`` (D, C, N), ``sums`` (D, C, K), ``order`` and ``uniforms``
    (D, C, N) and ``beta`` (D,), and gets the flips (D, C). ``block_step`` replaces
    :func:`generic_block_step` (the GPU engine's fused step does).
    """
    xp = arrays.xp
    one = spins.ndim == 2
    spins, sums, order, uniforms = _as_batch(spins, sums, order, uniforms)
    block_step = block_step or generic_block_step
    state = _State(spins, sums, arrays, beta, uniforms)
    state.sites = xp.ascontiguousarray(xp.asarray(shared_order(order), dtype=xp.int32))
    rows_all = arrays.xi[state.members, state.sites]  # (D, N, K) in visiting order
    state.diag_visits = arrays.diag[state.members, state.sites]  # (D, N)
    beta_col = state.beta[:, None]
    N, B = spins.shape[2], arrays.block_size
    for t0 in range(0, N, B):
        block = slice(t0, t0 + B)
        block_step(
            arrays, state, state.sites[:, block], rows_all[:, block], t0, beta_col, dynamics
        )
    state.write_back(spins, sums, arrays)
    return state.flips[0] if one else state.flips


def hebbian_synchronous(spins, sums, arrays: BlockedArrays, beta, uniforms):
    """One synchronous (Little) update of every chain from the old fields; in place.

    The numerators of all sites come from the same products as in a block, taken at
    the old configuration (:data:`SYNCHRONOUS_CHUNK` sites at a time); the rule is heat
    bath at T > 0 and the sign rule at T = 0, as in the reference. Batches as in
    :func:`hebbian_sweep`.
    """
    xp = arrays.xp
    one = spins.ndim == 2
    spins, sums, _, uniforms = _as_batch(spins, sums, spins, uniforms)
    rule = ZERO_TEMPERATURE if uniforms.shape[-1] == 0 else HEAT_BATH
    state = _State(spins, sums, arrays, beta, uniforms)
    N = spins.shape[2]
    w, beta_col = arrays.w[:, None, None], state.beta[:, None, None]
    A_B = None if arrays.p == 2 else coefficients(arrays, state.M, arrays.nnz_minus_one)
    d = xp.empty(state.spins_t.shape, dtype=xp.float64)
    for a in range(0, N, SYNCHRONOUS_CHUNK):
        part = slice(a, a + SYNCHRONOUS_CHUNK)
        s_old = state.spins_t[:, part].astype(xp.float64)
        cubes = None if arrays.cube_excess is None else arrays.cube_excess[:, part]
        num = block_numerators(
            arrays, arrays.xi[:, part], arrays.diag[:, part], s_old, state.M, A_B, cubes
        )
        U = None if state.uniforms_t is None else state.uniforms_t[:, part]
        d[:, part] = new_spins(xp, s_old, w * num / arrays.norm, beta_col, U, rule) - s_old
    for a in range(0, N, SYNCHRONOUS_CHUNK):
        part = slice(a, a + SYNCHRONOUS_CHUNK)
        state.M += arrays.xi[:, part].transpose(0, 2, 1) @ d[:, part]
    state.spins_t += d.astype(xp.int8)
    state.flips += (d != 0).sum(axis=1)
    state.write_back(spins, sums, arrays)
    return state.flips[0] if one else state.flips
