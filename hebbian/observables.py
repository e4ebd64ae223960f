"""Observables of Hebbian and coupling networks, for NumPy arrays.

Conventions (the same in every backend):

* overlap sums :math:`M_k = \\sum_i \\xi_{k i} \\sigma_i` are integers, Mattis overlaps
  :math:`m_k = M_k / N`;
* :math:`n_k = \\sum_i \\xi_{k i}^2` counts the non-blank entries of memory ``k``
  (:attr:`~hebbian.models.HebbianModel.square_sums`; for *integer* memories, entries
  beyond {-1, 0, +1}, it is the sum of their squares, and p = 2 to 6 are defined);
* energies are per spin, :math:`e = E / N`.

The energy of a :class:`~hebbian.models.HebbianModel` is the p-body Hebbian energy with
all index coincidences removed (sums over distinct sites only),

.. math::

    E(\\sigma) = -\\frac{1}{p N^{p-1}} \\sum_k w_k
                 \\sum_{i_1 \\ne \\dots \\ne i_p} \\prod_{a=1}^{p} \\xi_{k i_a} \\sigma_{i_a}
               = -\\frac{1}{p N^{p-1}} \\sum_k w_k\\, g_p(M_k, n_k)
               \\;\\approx\\; -N \\sum_k w_k \\frac{m_k^p}{p},

where :math:`g_j(S, n)` is the sum over *ordered tuples of distinct sites* of the
product of ``j`` entries :math:`x_i \\in \\{-1, 0, +1\\}` whose sum is ``S`` and of which
``n`` are non-zero (:func:`ordered_products`). For p = 2 this is the zero-diagonal
Hopfield energy :math:`-\\frac{1}{2N}\\sum_{i\\ne j}\\sum_k \\xi_{ki}\\xi_{kj}
\\sigma_i\\sigma_j = -\\frac{N}{2}\\sum_k m_k^2 + \\frac{1}{2N}\\sum_k n_k` (Amit,
Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987)); with binary patterns the constant is
:math:`\\alpha/2` per spin. For p >= 3 the distinct-index sum is the P-spin Hopfield
Hamiltonian of Gardner, J. Phys. A 20, 3453 (1987) with a prefactor :math:`(p-1)!`
larger than Gardner's :math:`-(N/p!)\\sum_k m_k^p`: weights :math:`w_k = 1/(p-1)!`
reproduce that normalization exactly (``docs/conventions.md``).

Because the energy is multilinear in the spins, the local field on site ``i``,
:math:`E = E_{\\setminus i} - \\sigma_i h_i`, is

.. math::

    h_i = \\frac{1}{N^{p-1}} \\sum_k w_k\\, \\xi_{k i}\\,
          g_{p-1}\\big(M_k - \\xi_{k i}\\sigma_i,\\; n_k - \\xi_{k i}^2\\big),

which contains no self-interaction, and flipping :math:`\\sigma_i` changes the energy by
exactly :math:`\\Delta E = 2 \\sigma_i h_i`.

Integer memories (p = 2 to 6). For entries :math:`\\xi_{ki} \\in \\mathbb{Z}`, with
:math:`x_i = \\xi_{ki}\\sigma_i` and the power sums :math:`P_m = \\sum_i x_i^m`
(:math:`P_1 = M_k`; for even ``m``, :math:`P_m = \\sum_i \\xi_{ki}^m` whatever the
spins, :math:`P_2 = n_k`; for odd ``m``, :math:`P_m = \\sum_i \\xi_{ki}^m\\sigma_i`
depends on the spins, :func:`power_sums`), the sums over ordered tuples of distinct
sites, :math:`g_j = j!\\, e_j(x)`, follow from Newton's identities
(:func:`newton_products`),

.. math:: g_0 = 1, \\qquad g_j = \\sum_{m=1}^{j} (-1)^{m-1} \\frac{(j-1)!}{(j-m)!}\\,
          P_m\\, g_{j-m},

for example :math:`g_2 = P_1^2 - P_2` and :math:`g_3 = P_1^3 - 3 P_1 P_2 + 2 P_3`. So
:math:`g_2` is still the recursion's :math:`S^2 - n` with :math:`n = P_2`, and the
field, which needs :math:`g_{p-1}` of the other sites of site ``i`` (power sums
:math:`P_m - x_i^m`: sum :math:`M_k - x_i`, squares :math:`n_k - \\xi_{ki}^2`, ...;
:func:`newton_products_without`), is exact with the sums of squares alone at p = 2
(:math:`h_i = \\frac{1}{N}\\sum_k w_k \\xi_{ki}(M_k - \\xi_{ki}\\sigma_i)`) and at
p = 3. From p = 4 on the field needs the spin-dependent :math:`P_3` of the other sites
(and :math:`P_5` at p = 6), which the engines track alongside the overlap sums, and the
constant :math:`P_4 = \\sum_i \\xi_{ki}^4` (p >= 5). The energy needs :math:`P_1` to
:math:`P_p` of all sites: :func:`hebbian_energy` takes the odd ones (and the constant
even ones beyond :math:`P_2`) as ``power_sums`` (``cube_sums`` at p = 3). For ternary
memories :math:`P_m = M_k` (odd ``m``) and :math:`P_m = n_k` (even ``m``), and Newton's
identities reduce to the recursion of :func:`ordered_products`, which the ternary paths
keep. Integer memories are the supervised dense networks of Agliari et al., Physica A
626, 129076 (2023) (per-class sums of examples); :class:`~hebbian.models.HebbianModel`
allows them up to :data:`~hebbian.models.MAX_INTEGER_P`.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "coupling_energy",
    "cube_sums",
    "edwards_anderson_overlaps",
    "hebbian_energy",
    "newton_products",
    "newton_products_without",
    "ordered_products",
    "overlap_sums",
    "power_sums",
]

#: Largest order :func:`newton_products` handles (it takes the power sums up to P_6).
MAX_NEWTON_ORDER = 6


def ordered_products(order, S, n):
    """Sum of products over ordered tuples of distinct entries of a {-1, 0, +1} vector.

    For a vector ``x`` with :math:`\\sum_i x_i = S` and ``n`` non-zero entries,

    .. math:: g_j = \\sum_{i_1 \\ne \\dots \\ne i_j} x_{i_1} \\cdots x_{i_j}
              = j!\\, e_j(x),

    with :math:`e_j` the elementary symmetric polynomial. The recursion

    .. math:: g_0 = 1, \\quad g_1 = S, \\quad
              g_j = S\\, g_{j-1} - (j-1)(n-j+2)\\, g_{j-2}

    follows from extending each ordered (j-1)-tuple by one more distinct site (the
    second term removes the sites already in the tuple, using :math:`x_i^2 = 1` on the
    non-zero entries). Examples: :math:`g_2 = S^2 - n`, :math:`g_3 = S^3 - 3nS + 2S`.

    Written with plain arithmetic so that the same function serves NumPy arrays (any
    integer or float dtype, element-wise) and Numba scalars (it is jit-compiled
    unchanged in the Numba kernels).

    Parameters
    ----------
    order : int
        ``j >= 0``.
    S, n : int, float or ndarray
        Sum and number of non-zero entries.

    Returns
    -------
    g : same type as ``S``
    """
    if order == 0:
        return S * 0 + 1
    g_prev = S * 0 + 1
    g = S
    for j in range(2, order + 1):
        g_next = S * g - (j - 1) * (n - j + 2) * g_prev
        g_prev = g
        g = g_next
    return g


def newton_products(order, P1, P2, P3, P4, P5, P6):
    """Sum of products over ordered tuples of distinct entries, from their power sums.

    For a vector ``x`` of any (integer) entries with power sums
    :math:`P_m = \\sum_i x_i^m`,

    .. math:: g_j = \\sum_{i_1 \\ne \\dots \\ne i_j} x_{i_1} \\cdots x_{i_j} = j!\\, e_j(x)

    follows from Newton's identities :math:`m e_m = \\sum_{r=1}^{m} (-1)^{r-1}
    e_{m-r} P_r`, written for :math:`g_j = j!\\, e_j`:

    .. math:: g_0 = 1, \\qquad g_j = \\sum_{m=1}^{j} (-1)^{m-1}
              \\frac{(j-1)!}{(j-m)!}\\, P_m\\, g_{j-m}.

    Examples: :math:`g_2 = P_1^2 - P_2`, :math:`g_3 = P_1^3 - 3 P_1 P_2 + 2 P_3`,
    :math:`g_4 = P_1 g_3 - 3 P_2 g_2 + 6 P_3 P_1 - 6 P_4`. For entries in
    {-1, 0, +1} (:math:`P_{odd} = S`, :math:`P_{even} = n`) it is
    :func:`ordered_products`, which the ternary paths keep.

    Written with plain arithmetic, like :func:`ordered_products`, so that the same
    function serves NumPy arrays (element-wise) and Numba scalars (it is jit-compiled
    unchanged in the Numba kernels): the reference and the Numba engines run this one
    recursion. Each step adds the terms ``m = 1, ..., 6`` in order (a term with
    ``m > j`` is zero: its coefficient has the factor ``j - j``).

    Exactness in int64 (the engines' bound, :func:`hebbian.montecarlo.arrays.field_mode`):
    with ``n`` entries of magnitude at most ``X``, :math:`|P_m| \\le n X^m` and
    :math:`|g_i| \\le n^i X^i`, so every term of step ``j``, and every product
    inside it, is at most :math:`\\frac{(j-1)!}{(j-m)!} n^{j-m+1} X^j \\le
    \\max(n, j-1)^j X^j`, and every partial sum of the step at most ``j`` times that.

    Parameters
    ----------
    order : int
        ``0 <= j <= 6`` (:data:`MAX_NEWTON_ORDER`; higher orders would need
        :math:`P_7, \\dots`).
    P1, P2, P3, P4, P5, P6 : int, float or ndarray
        Power sums of the entries; those beyond ``P_order`` are not used (pass 0).

    Returns
    -------
    g : same type as ``P1``
    """
    zero = P1 * 0
    g1 = zero + 1  # g_{j-1}
    g2 = zero  # g_{j-2}, ..., g_{j-6}: zero below g_0
    g3 = zero
    g4 = zero
    g5 = zero
    g6 = zero
    for j in range(1, order + 1):
        c2 = j - 1  # (j-1)! / (j-m)! for m = 2, ..., 6
        c3 = c2 * (j - 2)
        c4 = c3 * (j - 3)
        c5 = c4 * (j - 4)
        c6 = c5 * (j - 5)
        g = P1 * g1 - c2 * P2 * g2 + c3 * P3 * g3 - c4 * P4 * g4 + c5 * P5 * g5 - c6 * P6 * g6
        g6 = g5
        g5 = g4
        g4 = g3
        g3 = g2
        g2 = g1
        g1 = g
    return g1


def newton_products_without(order, x, P1, P2, P3, P4, P5):
    """:func:`newton_products` of the entries other than one entry ``x``.

    The other entries have the power sums :math:`P_m - x^m`; only those up to
    ``P_order`` are formed (``order <= 5``: the p-body field needs
    :math:`g_{p-1}` of the other sites, p <= 6), so no power of ``x`` beyond the needed
    ones is computed. The local field of site ``i`` at order ``p`` is
    :math:`\\sum_k w_k \\xi_{ki}\\, g_{p-1}` with ``x`` :math:`= \\xi_{ki}\\sigma_i`
    (module docstring). Pure arithmetic, for NumPy arrays and Numba scalars alike.

    Parameters
    ----------
    order : int
        ``0 <= j <= 5``.
    x : int or ndarray
        The removed entry (signed: :math:`\\xi_{ki}\\sigma_i`).
    P1, P2, P3, P4, P5 : int or ndarray
        Power sums of all entries, ``x`` included; those beyond ``P_order`` are not used.

    Returns
    -------
    g : same type as ``P1 - x``
    """
    zero = (P1 - x) * 0
    x2 = x * x
    Q3 = zero
    Q4 = zero
    Q5 = zero
    if order >= 3:
        Q3 = P3 - x2 * x
    if order >= 4:
        Q4 = P4 - x2 * x2
    if order >= 5:
        Q5 = P5 - x2 * x2 * x
    return newton_products(order, P1 - x, P2 - x2, Q3, Q4, Q5, zero)


def overlap_sums(spins: np.ndarray, memories: np.ndarray) -> np.ndarray:
    """Exact integer overlap sums :math:`M_k = \\sum_i \\xi_{ki} \\sigma_i`.

    Parameters
    ----------
    spins : (..., N) array of {-1, +1}
    memories : (K, N) array of integers
        Ternary ({-1, 0, +1}) or integer memories.

    Returns
    -------
    (..., K) ndarray of int64
    """
    return np.asarray(spins, dtype=np.int64) @ np.asarray(memories, dtype=np.int64).T


def cube_sums(spins: np.ndarray, memories: np.ndarray) -> np.ndarray:
    """Exact integer sums of cubes :math:`P_{3,k} = \\sum_i \\xi_{k i}^3 \\sigma_i`.

    What :func:`hebbian_energy` needs besides the overlap sums for integer memories at
    p = 3 (equal to :func:`overlap_sums` for ternary memories).

    Parameters
    ----------
    spins : (..., N) array of {-1, +1}
    memories : (K, N) array of integers

    Returns
    -------
    (..., K) ndarray of int64
        Exact for :math:`N \\max|\\xi|^3 < 2^{63}`.
    """
    xi = np.asarray(memories, dtype=np.int64)
    return np.asarray(spins, dtype=np.int64) @ (xi * xi * xi).T


def power_sums(spins: np.ndarray, memories: np.ndarray, power: int) -> np.ndarray:
    """Exact integer power sums :math:`P_{m,k} = \\sum_i (\\xi_{ki}\\sigma_i)^m`.

    For odd ``m`` this is :math:`\\sum_i \\xi_{ki}^m \\sigma_i` (``m = 1``: the overlap
    sums, ``m = 3``: :func:`cube_sums`), which depends on the spins; for even ``m`` it is
    :math:`\\sum_i \\xi_{ki}^m` for every state. What :func:`hebbian_energy` needs for
    integer memories at p >= 3 (module docstring).

    Parameters
    ----------
    spins : (..., N) array of {-1, +1}
    memories : (K, N) array of integers
    power : int
        ``m >= 1``.

    Returns
    -------
    (..., K) ndarray of int64

    Raises
    ------
    ValueError
        Unless :math:`N \\max|\\xi|^m < 2^{63}` (the sums would overflow int64).
    """
    xi = np.asarray(memories, dtype=np.int64)
    X = int(np.abs(xi).max()) if xi.size else 0
    if xi.shape[-1] * X**power >= 2**63:
        raise ValueError(
            f"power sums need N max|xi|^m < 2**63 for exact int64, got N = {xi.shape[-1]}, "
            f"max|xi| = {X}, m = {power}"
        )
    s = np.asarray(spins, dtype=np.int64)
    if power % 2 == 0:
        s = np.ones_like(s)
    return s @ (xi**power).T


def hebbian_energy(
    sums: np.ndarray,
    *,
    nnz: np.ndarray,
    weights: np.ndarray,
    p: int,
    n_neurons: int,
    cube_sums: np.ndarray | None = None,
    power_sums: dict | None = None,
) -> np.ndarray:
    """Energy per spin of a Hebbian network from its overlap sums (module docstring).

    .. math:: \\frac{E}{N} = -\\frac{1}{p N^p} \\sum_k w_k\\, g_p(P_{1,k}, \\dots,
              P_{p,k}),

    with :math:`g_p` the sum over ordered p-tuples of distinct sites: the recursion of
    :func:`ordered_products` for ternary memories, Newton's identities
    (:func:`newton_products`) with the power sums of integer memories.

    Parameters
    ----------
    sums : (..., K) array
        Overlap sums :math:`M_k`.
    nnz : (K,) array
        :math:`n_k = \\sum_i \\xi_{ki}^2`: the non-zero counts of ternary memories, the
        sums of squared entries of integer memories
        (:attr:`~hebbian.models.HebbianModel.square_sums`).
    weights : (K,) array
        Memory weights :math:`w_k`.
    p : int
        Interaction order.
    n_neurons : int
        ``N``.
    cube_sums : (..., K) array, optional
        :math:`P_{3,k} = \\sum_i \\xi_{ki}^3\\sigma_i` of the same states
        (:func:`cube_sums`): needed for integer memories at p = 3, where the energy is
        :math:`g_3 = M_k^3 - 3 M_k n_k + 2 P_{3,k}` (module docstring); the same as
        ``power_sums={3: cube_sums}``. Not used at p = 2.
    power_sums : dict, optional
        ``{m: P_m}`` for every ``3 <= m <= p`` (p <= 6): the odd
        :math:`P_{m,k} = \\sum_i \\xi_{ki}^m\\sigma_i` of the same states, (..., K)
        (:func:`power_sums`), and the even :math:`P_{m,k} = \\sum_i \\xi_{ki}^m`, (K,)
        (:meth:`~hebbian.models.HebbianModel.power_sums`): needed for integer memories
        at p >= 3. Without power sums the recursion of :func:`ordered_products` is used,
        exact for ternary memories (:math:`P_{odd} = M_k`, :math:`P_{even} = n_k`), which
        therefore need none. Not used at p = 2.

    Returns
    -------
    (...) ndarray of float64
        :math:`E/N`, computed in float64 (exact integers up to :math:`2^{53}`: for
        p = 2, :math:`M_k^2 \\le (N \\max|\\xi|)^2`; for p = 3,
        :math:`|M_k|^3 \\le (N \\max|\\xi|)^3`; for p >= 4 every term of Newton's
        recursion is at most :math:`\\max(N, p)^p \\max|\\xi|^p`, and beyond
        :math:`2^{53}` the terms are rounded, to a relative error of order
        :math:`p\\,2^{-53}` of the largest term).

    Raises
    ------
    ValueError
        For ``cube_sums`` alone at p >= 4 (their energy needs higher power sums too),
        for ``power_sums`` that lack one of the orders 3..p, and for ``power_sums`` at
        p > 6.
    """
    S = np.asarray(sums, dtype=np.float64)
    n = np.asarray(nnz, dtype=np.float64)
    if power_sums is None and cube_sums is not None:
        if p >= 4:
            raise ValueError(
                f"cube_sums give exact energies up to p = 3 (integer memories), got p = {p}; "
                f"pass power_sums={{3: ..., ..., {p}: ...}}"
            )
        power_sums = {3: cube_sums}
    if power_sums is None or p == 2:
        g = ordered_products(p, S, n)
    elif p == 3:
        g = S * (S * S - 3.0 * n) + 2.0 * np.asarray(power_sums[3], dtype=np.float64)
    else:
        if p > MAX_NEWTON_ORDER:
            raise ValueError(
                f"power_sums give exact energies up to p = {MAX_NEWTON_ORDER}, got p = {p}"
            )
        missing = [m for m in range(3, p + 1) if m not in power_sums]
        if missing:
            raise ValueError(
                f"the energy at p = {p} needs the power sums of orders 3..{p}, got "
                f"{sorted(power_sums)} (missing {missing})"
            )
        P = [np.asarray(power_sums[m], dtype=np.float64) for m in range(3, p + 1)]
        P += [0.0] * (MAX_NEWTON_ORDER - p)
        g = newton_products(p, S, n, *P)
    N = float(n_neurons)
    return -(g @ np.asarray(weights, dtype=np.float64)) / (p * N**p)


def coupling_energy(spins: np.ndarray, couplings: np.ndarray) -> np.ndarray:
    """Energy per spin :math:`-\\frac{1}{2N}\\sum_{i \\ne j} J_{ij}\\sigma_i\\sigma_j`.

    The diagonal never enters the energy (for :math:`\\sigma_i^2 = 1` it is a constant).

    Parameters
    ----------
    spins : (..., N) array of {-1, +1}
    couplings : (N, N) symmetric array

    Returns
    -------
    (...) ndarray of float64
    """
    s = np.asarray(spins, dtype=np.float64)
    J = np.asarray(couplings, dtype=np.float64)
    quad = np.einsum("...i,ij,...j->...", s, J, s)
    return -0.5 * (quad - np.trace(J)) / J.shape[0]


def edwards_anderson_overlaps(spins: np.ndarray) -> np.ndarray:
    """Overlaps :math:`q_{ab} = \\frac{1}{N}\\sum_i \\sigma^a_i \\sigma^b_i` of all chain pairs.

    Chains must share the disorder (same memories or couplings).

    Parameters
    ----------
    spins : (..., C, N) array of {-1, +1}

    Returns
    -------
    (..., C (C-1) / 2) ndarray of float64
        One value per pair ``a < b``, in ``numpy.triu_indices(C, 1)`` order.
    """
    spins = np.asarray(spins)
    C, N = spins.shape[-2:]
    a, b = np.triu_indices(C, 1)
    if C < 2:
        return np.zeros(spins.shape[:-2] + (0,))
    s = spins.astype(np.float32)  # exact: the sums are integers below 2**24
    gram = s @ np.swapaxes(s, -1, -2)
    return gram[..., a, b].astype(np.float64) / N
