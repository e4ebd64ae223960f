"""The arrays a Hebbian kernel reads, prepared once per model.

:class:`HebbianArrays` is a named tuple, so that the NumPy reference and the Numba
kernels take the same arguments (Numba compiles named tuples of arrays natively).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hebbian._parallel import PARALLEL_ENTRIES, in_threads, split, workers
from hebbian.models import MAX_INTEGER_P, HebbianModel

__all__ = [
    "P2_NARROW",
    "P2_WIDE",
    "POWER_UNIFORM",
    "POWER_WEIGHTED",
    "UNIFORM",
    "WEIGHTED",
    "HebbianArrays",
    "block_cube_sums",
    "block_power_sums",
    "field_mode",
    "initial_sums",
    "odd_power_orders",
    "prepare",
    "sums_dtype",
]

#: Field modes (how the sum over memories is done exactly); see :func:`field_mode`.
P2_NARROW = 0
P2_WIDE = 1
UNIFORM = 2
WEIGHTED = 3
POWER_UNIFORM = 4
POWER_WEIGHTED = 5


class HebbianArrays(NamedTuple):
    """Kernel inputs derived from a :class:`~hebbian.models.HebbianModel`.

    Attributes
    ----------
    xi_t : (N, K_pad) int8 or int16
        Memories, site-major: ``model.site_major`` (no copy); the padding columns
        ``k >= K`` are zero, so they add nothing to any field or overlap sum.
    nnz : (K_pad,) int64
        :math:`n_k = \\sum_i \\xi_{ki}^2` per memory (0 for padding):
        ``model.square_sums``, the non-blank entries of ternary memories. The fields
        use :math:`n_k - \\xi_{ki}^2` for the other sites of site ``i``: exact for
        ternary memories at any p and for integer memories at p = 2 and 3 (at p >= 4,
        the :math:`P_2` of Newton's identities).
    diag : (N,) int64
        :math:`\\sum_k \\xi_{ki}^2` (the p = 2 self-interaction, in units of ``w / N``):
        ``model.site_square_sums`` (no copy).
    weights : (K_pad,) float64
        Weights (0 for padding).
    w : float
        The common weight (equal-weight modes), else 1.0.
    p : int
    norm : float
        ``float(N) ** (p - 1)``.
    mode : int
        Field mode.
    max_entry : int
        :math:`\\max|\\xi_{ki}|` (``model.max_abs_entry``): sets the overlap sums' type
        (:func:`sums_dtype`).
    fourth : (K_pad,) int64
        :math:`P_{4,k} = \\sum_i \\xi_{ki}^4` (0 for padding) in the modes
        ``POWER_UNIFORM`` and ``POWER_WEIGHTED`` (integer memories at p >= 4), where
        Newton's identities need it from p = 5 on; empty otherwise.
    n_odd : int
        Number of odd power sums the chains track after the overlap sums
        (:func:`odd_power_orders`): 0 (ternary memories, p <= 3), 1 (:math:`P_3`,
        integer memories at p = 4 and 5) or 2 (:math:`P_3, P_5`, at p = 6). With
        ``n_odd > 0`` the kernels' ``sums`` is a (C, (1 + n_odd) K_pad) int64 array:
        the overlap sums in columns ``[0, K_pad)``, :math:`P_{3,k} = \\sum_i
        \\xi_{ki}^3\\sigma_i` in ``[K_pad, 2 K_pad)`` and :math:`P_{5,k}` in
        ``[2 K_pad, 3 K_pad)`` (:func:`initial_sums`), all updated on every flip.
    """

    xi_t: np.ndarray
    nnz: np.ndarray
    diag: np.ndarray
    weights: np.ndarray
    w: float
    p: int
    norm: float
    mode: int
    max_entry: int = 1
    fourth: np.ndarray = np.zeros(0, dtype=np.int64)
    n_odd: int = 0


def field_mode(
    *, p: int, uniform: bool, n_memories: int, n_neurons: int, max_entry: int = 1
) -> int:
    """Choose how the field's sum over memories is done exactly.

    * ``P2_NARROW`` -- p = 2, equal weights, :math:`K N X^2 < 2^{31}` with
      :math:`X = \\max|\\xi_{ki}|` (``max_entry``; 1 for ternary memories): integer sum
      :math:`\\sum_k \\xi_{ki} M_k` in 32-bit lanes, minus the self-interaction
      :math:`\\sigma_i\\sum_k\\xi_{ki}^2`. Every partial sum is bounded by
      :math:`\\sum_k |\\xi_{ki}||M_k| \\le K X \\cdot X N`, so no lane overflows;
    * ``P2_WIDE`` -- the same in 64-bit integers (:math:`K N X^2 < 2^{62}`);
    * ``UNIFORM`` -- p >= 3, equal weights: :math:`\\sum_k \\xi_{ki}\\, g_{p-1}(M_k -
      \\xi_{ki}\\sigma_i, n_k - \\xi_{ki}^2)` in 64-bit integers, for
      :math:`K N^{p-1} X^p < 2^{62}`;
    * ``WEIGHTED`` -- general weights: the integer terms
      :math:`\\xi_{ki}\\, g_{p-1}(\\dots)`, each converted to float64, times :math:`w_k`,
      added in the order k = 0..K-1;
    * ``POWER_UNIFORM`` and ``POWER_WEIGHTED`` -- integer memories (``max_entry > 1``)
      at 4 <= p <= 6: as ``UNIFORM`` and ``WEIGHTED``, with :math:`g_{p-1}` of the other
      sites from Newton's identities
      (:func:`hebbian.observables.newton_products_without`) on the power sums
      :math:`P_1 = M_k`, :math:`P_2 = n_k`, the tracked :math:`P_3` (and :math:`P_5` at
      p = 6) and the constant :math:`P_4` (``HebbianArrays.n_odd``, ``fourth``).

    Integer memories (``max_entry > 1``) exist for p = 2 to 6
    (:class:`~hebbian.models.HebbianModel`). At p = 3 the field needs the ordered
    distinct pairs of the other sites, :math:`g_2 = S^2 - n` with
    :math:`|S| \\le (N-1) X` and :math:`0 \\le n \\le (N-1) X^2`, so
    :math:`|g_2| \\le (N X)^2`, every term of the sum over ``k`` is at most
    :math:`X (N X)^2` and the sum :math:`K N^2 X^3` in magnitude: the ``UNIFORM`` bound
    :math:`K N^{p-1} X^p < 2^{62}` (the ternary :math:`K N^{p-1}` for ``X = 1``) keeps
    every partial sum and product in int64, and ``WEIGHTED`` needs
    :math:`N^2 X^3 < 2^{62}` for each term. The field numerator, an integer, is
    converted to float64 once, the same way by every CPU backend (rounded beyond
    :math:`2^{53}`, identically).

    At 4 <= p <= 6 (integer memories) the recursion's intermediate terms can exceed its
    result: with ``n = N - 1`` other sites of entries at most ``X``, every term of step
    ``j <= p - 1`` (and every product inside it) is at most
    :math:`\\max(n, j-1)^j X^j` and every partial sum ``j`` times that
    (:func:`~hebbian.observables.newton_products`), so at most
    :math:`(p-1) \\max(N, p)^{p-1} X^{p-1}`; the result :math:`|g_{p-1}| \\le N^{p-1}
    X^{p-1}`, each term of the sum over ``k`` :math:`N^{p-1} X^p` and the sum
    :math:`K N^{p-1} X^p`; the tracked sums :math:`|P_m| \\le N X^m` (m <= 5) and the
    constant :math:`P_4`. The modes ``POWER_UNIFORM`` and ``POWER_WEIGHTED`` therefore
    require

    .. math:: \\max(K, p)\\, \\max(N, p)^{p-1} X^p < 2^{62}
              \\quad (\\text{general weights: } p \\max(N, p)^{p-1} X^p < 2^{62}),

    which bounds each of these by :math:`2^{62}` (note :math:`X \\ge 2`), and every
    int64 partial sum and product stays exact.

    Raises
    ------
    ValueError
        When exact integer sums could overflow 64 bits (:math:`K N X^2 \\ge 2^{62}` at
        p = 2, :math:`K N^{p-1} X^p \\ge 2^{62}` above, :math:`N^{p-1} X^p \\ge 2^{62}`
        for integer memories with general weights at p = 3, and the bound above for
        integer memories at p >= 4), in one line with the values and the largest
        ``max|xi|`` allowed at these sizes.
    """
    if p > 3 and max_entry > 1:
        return _power_mode(
            p=p, uniform=uniform, n_memories=n_memories, n_neurons=n_neurons, max_entry=max_entry
        )
    if not uniform:
        if p > 2 and max_entry > 1 and n_neurons ** (p - 1) * max_entry**p >= 2**62:
            raise ValueError(
                f"exact integer fields need N^(p-1) max|xi|^p < 2**62 for each memory, got "
                f"N = {n_neurons}, p = {p}, max|xi| = {max_entry}; use smaller sizes"
            )
        return WEIGHTED
    if p == 2:
        bound = n_memories * n_neurons * max_entry**2
        if bound < 2**31:
            return P2_NARROW
        if bound >= 2**62:
            raise ValueError(
                f"exact integer fields need K N max|xi|^2 < 2**62, got K = {n_memories}, "
                f"N = {n_neurons}, max|xi| = {max_entry}; use smaller sizes"
            )
        return P2_WIDE
    if n_memories * n_neurons ** (p - 1) * max_entry**p >= 2**62:
        entries = "" if max_entry == 1 else f" max|xi|^p (max|xi| = {max_entry})"
        raise ValueError(
            f"exact integer fields need K N^(p-1){entries} < 2**62, got K = {n_memories}, "
            f"N = {n_neurons}, p = {p}; use smaller sizes or non-uniform weights"
        )
    return UNIFORM


def _power_bound(p: int, uniform: bool, n_memories: int, n_neurons: int, max_entry: int) -> int:
    """Return the left side of the bound of the ``POWER_*`` modes (:func:`field_mode`)."""
    factor = max(n_memories, p) if uniform else p
    return factor * max(n_neurons, p) ** (p - 1) * max_entry**p


def _power_mode(*, p: int, uniform: bool, n_memories: int, n_neurons: int, max_entry: int):
    """``POWER_UNIFORM`` or ``POWER_WEIGHTED`` after checking their bound (:func:`field_mode`)."""
    if p > MAX_INTEGER_P:
        raise ValueError(
            f"integer memories are exact up to p = {MAX_INTEGER_P}, got p = {p} with "
            f"max|xi| = {max_entry}"
        )
    args = (p, uniform, n_memories, n_neurons)
    if _power_bound(*args, max_entry) < 2**62:
        return POWER_UNIFORM if uniform else POWER_WEIGHTED
    largest = 1  # the largest X with the bound below 2**62 (the bound grows with X)
    while _power_bound(*args, 2 * largest) < 2**62:
        largest *= 2
    step = largest // 2
    while step:
        if _power_bound(*args, largest + step) < 2**62:
            largest += step
        step //= 2
    factor = "max(K, p)" if uniform else "p"
    allowed = f"max|xi| <= {largest}" if largest > 1 else "no integer memories (max|xi| <= 1)"
    raise ValueError(
        f"exact integer fields of integer memories at p >= 4 need {factor} max(N, p)^(p-1) "
        f"max|xi|^p < 2**62, got K = {n_memories}, N = {n_neurons}, p = {p}, max|xi| = "
        f"{max_entry}; at these sizes {allowed}"
    )


def odd_power_orders(p: int, max_entry: int) -> tuple[int, ...]:
    """Orders ``m`` of the odd power sums the chains track: (3,) at p = 4, 5; (3, 5) at 6.

    The field at order ``p`` needs :math:`g_{p-1}` of the other sites, hence the power
    sums up to :math:`P_{p-1}`; the odd ones beyond :math:`P_1` depend on the spins.
    None for ternary memories (``max_entry <= 1``, :math:`P_{odd} = M_k`) and p <= 3.
    """
    if max_entry <= 1 or p < 4:
        return ()
    return tuple(range(3, p, 2))


def prepare(model: HebbianModel) -> HebbianArrays:
    """Derive the kernel arrays of ``model`` (the memories are not copied)."""
    xi_t = model.site_major
    K, k_pad = model.n_memories, xi_t.shape[1]
    w = model.uniform_weight
    X = model.max_abs_entry
    mode = field_mode(
        p=model.p,
        uniform=w is not None,
        n_memories=model.n_memories,
        n_neurons=model.n_neurons,
        max_entry=max(X, 1),
    )
    n_odd = len(odd_power_orders(model.p, X))
    fourth = np.zeros(0, dtype=np.int64)
    if n_odd:
        fourth = np.pad(model.power_sums(4), (0, k_pad - K))
    return HebbianArrays(
        xi_t=xi_t,
        nnz=np.pad(model.square_sums, (0, k_pad - K)),
        diag=model.site_square_sums,
        weights=np.pad(model.weights, (0, k_pad - K)),
        w=1.0 if w is None else w,
        p=model.p,
        norm=float(model.n_neurons) ** (model.p - 1),
        mode=mode,
        max_entry=max(X, 1),
        fourth=fourth,
        n_odd=n_odd,
    )


def sums_dtype(n_neurons: int, max_entry: int = 1) -> type:
    """Smallest exact integer type for overlap sums, :math:`|M_k| \\le N \\max|\\xi|`.

    ``int16`` while :math:`N X \\le 32767` (``X = max_entry``, 1 for ternary memories),
    ``int32`` while :math:`N X < 2^{31}`, else ``int64``.
    """
    bound = n_neurons * max(max_entry, 1)
    if bound <= np.iinfo(np.int16).max:
        return np.int16
    return np.int32 if bound <= np.iinfo(np.int32).max else np.int64


def initial_sums(arrays: HebbianArrays, spins: np.ndarray) -> np.ndarray:
    """Exact overlap sums of ``spins`` (C, N) over all (padded) memories, (C, K_pad).

    :math:`M_k = \\sum_i \\xi_{ki}\\sigma_i` in integer arithmetic: a compiled loop over
    the site-major rows (:func:`_add_sums`), the sites split between threads, in 32-bit
    accumulators (64-bit from :math:`N X = 2^{31}`, ``X = arrays.max_entry``); returned
    as :func:`sums_dtype`. Its only temporaries are the int8 spins and one (C, K_pad)
    accumulator per thread.

    With ``arrays.n_odd > 0`` (integer memories at p >= 4) it returns the kernels' whole
    state, (C, (1 + n_odd) K_pad) int64: the overlap sums followed by the tracked odd
    power sums :math:`P_{m,k} = \\sum_i \\xi_{ki}^m\\sigma_i`, m = 3 (and 5), each
    computed exactly by :func:`block_power_sums` (:class:`HebbianArrays`).
    """
    dtype = sums_dtype(arrays.xi_t.shape[0], arrays.max_entry)
    acc = np.int64 if dtype == np.int64 else np.int32
    total = _site_sums(_compiled_add_sums(), arrays.xi_t, spins, acc)
    if not arrays.n_odd:
        return total.astype(dtype, copy=False)
    orders = odd_power_orders(arrays.p, arrays.max_entry)
    parts = [total.astype(np.int64, copy=False)]
    parts += [block_power_sums(arrays.xi_t, spins, m) for m in orders]
    return np.concatenate(parts, axis=1)


def _site_sums(add, xi_t: np.ndarray, spins: np.ndarray, acc: type) -> np.ndarray:
    """Run the compiled ``add(xi_t, spins, lo, hi, out)`` over the sites, split in threads.

    Checks ``spins`` (C, N); each thread adds its sites into its own (C, K_pad)
    accumulator of type ``acc``; the accumulators are summed.
    """
    N, K = xi_t.shape
    s = np.ascontiguousarray(spins, dtype=np.int8)
    if s.ndim != 2 or s.shape[1] != N:
        raise ValueError(f"spins must have shape (C, {N}), got {np.shape(spins)}")
    threads = workers() if s.shape[0] * K * N >= PARALLEL_ENTRIES else 1

    def part(lo: int, hi: int) -> np.ndarray:
        out = np.zeros((s.shape[0], K), dtype=acc)
        add(xi_t, s, lo, hi, out)
        return out

    parts = in_threads(part, split(N, threads))
    total = parts[0]
    for other in parts[1:]:
        total += other
    return total


def _add_sums(xi_t, spins, lo, hi, out):
    """Add :math:`\\sum_{lo \\le i < hi} \\sigma_{ci}\\xi_{ki}` to ``out[c, k]``."""
    for i in range(lo, hi):
        for c in range(spins.shape[0]):
            s = spins[c, i]
            for k in range(xi_t.shape[1]):
                out[c, k] += s * xi_t[i, k]


_compiled = []


def _compiled_add_sums():
    """:func:`_add_sums` compiled by Numba (without the GIL), on first use."""
    if not _compiled:
        from numba import njit

        _compiled.append(njit(cache=True, nogil=True)(_add_sums))
    return _compiled[0]


def block_cube_sums(xi_t: np.ndarray, spins: np.ndarray) -> np.ndarray:
    """Exact sums of cubes :math:`P_{3,k} = \\sum_i \\xi_{ki}^3\\sigma_i`, (C, K_pad) int64.

    What the energy of integer memories at p = 3 needs besides the overlap sums
    (:func:`hebbian.observables.hebbian_energy`); measured from the spins, never kept
    by the p = 3 sweep kernels. :func:`block_power_sums` with ``power = 3``.
    """
    return block_power_sums(xi_t, spins, 3)


def block_power_sums(xi_t: np.ndarray, spins: np.ndarray, power: int) -> np.ndarray:
    """Exact odd power sums :math:`P_{m,k} = \\sum_i \\xi_{ki}^m\\sigma_i`, (C, K_pad) int64.

    The sums of cubes (``m = 3``) and fifth powers (``m = 5``) that the chains of integer
    memories track at p >= 4 (:func:`initial_sums`), and that the energy measures from
    the spins where they are not tracked. A compiled loop over the site-major rows
    ``xi_t`` (N, K_pad) (``model.site_major``), the sites split between threads, as
    :func:`initial_sums`; int64 is exact for :math:`N X^m < 2^{63}`, which every model
    the CPU engines run satisfies at the orders they use (:func:`field_mode`). Costs
    :math:`O(C N K)` per call and one (C, K_pad) int64 accumulator per thread.

    Parameters
    ----------
    xi_t : (N, K_pad) int8 or int16
    spins : (C, N) array of {-1, +1}
    power : int
        Odd ``m >= 1``.
    """
    if power < 1 or power % 2 == 0:
        raise ValueError(f"power must be odd and >= 1, got {power}")
    add = _compiled_add_powers()

    def add_powers(xi, s, lo, hi, out):
        add(xi, s, lo, hi, out, power)

    return _site_sums(add_powers, xi_t, spins, np.int64)


def _add_powers(xi_t, spins, lo, hi, out, power):
    """Add :math:`\\sum_{lo \\le i < hi} \\sigma_{ci}\\xi_{ki}^m` to ``out[c, k]`` (m = power)."""
    for i in range(lo, hi):
        for c in range(spins.shape[0]):
            s = np.int64(spins[c, i])
            for k in range(xi_t.shape[1]):
                x = np.int64(xi_t[i, k])
                xm = x
                for _ in range(power - 1):
                    xm *= x
                out[c, k] += s * xm


_compiled_powers = []


def _compiled_add_powers():
    """:func:`_add_powers` compiled by Numba (without the GIL), on first use."""
    if not _compiled_powers:
        from numba import njit

        _compiled_powers.append(njit(cache=True, nogil=True)(_add_powers))
    return _compiled_powers[0]
