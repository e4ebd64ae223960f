"""Observables of Hebbian and coupling networks, for NumPy arrays.

Conventions (the same in every backend):

* overlap sums :math:`M_k = \\sum_i \\xi_{k i} \\sigma_i` are integers, Mattis overlaps
  :math:`m_k = M_k / N`;
* :math:`n_k = \\sum_i \\xi_{k i}^2` counts the non-blank entries of memory ``k``
  (:attr:`~hebbian.models.HebbianModel.square_sums`; for *integer* memories, entries
  beyond {-1, 0, +1}, it is the sum of their squares, and p = 2 and 3 are defined);
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

Integer memories (p = 2 and 3). For entries :math:`\\xi_{ki} \\in \\mathbb{Z}`, with
:math:`x_i = \\xi_{ki}\\sigma_i` and the power sums :math:`P_j = \\sum_i x_i^j`
(:math:`P_1 = M_k`; :math:`P_2 = \\sum_i \\xi_{ki}^2 = n_k` whatever the spins;
:math:`P_3 = \\sum_i \\xi_{ki}^3\\sigma_i`, :func:`cube_sums`), Newton's identities give
the sums over ordered distinct tuples

.. math:: g_2 = P_1^2 - P_2, \\qquad g_3 = P_1^3 - 3 P_1 P_2 + 2 P_3.

So :math:`g_2` is still the recursion's :math:`S^2 - n` with :math:`n = P_2`, and the
field, which needs :math:`g_{p-1}` of the other sites of site ``i`` (sum
:math:`M_k - x_i`, squares :math:`n_k - \\xi_{ki}^2`), is exact at p = 2
(:math:`h_i = \\frac{1}{N}\\sum_k w_k \\xi_{ki}(M_k - \\xi_{ki}\\sigma_i)`) and at p = 3.
The energy at p = 3 needs :math:`P_3`, which depends on the spins:
:func:`hebbian_energy` takes it as ``cube_sums`` (for ternary memories
:math:`P_3 = M_k` and :math:`g_3` is the recursion's :math:`S^3 - 3nS + 2S`). At p >= 4
the field itself would need :math:`P_3` of the other sites, which is why
:class:`~hebbian.models.HebbianModel` refuses integer memories there.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "coupling_energy",
    "cube_sums",
    "edwards_anderson_overlaps",
    "hebbian_energy",
    "ordered_products",
    "overlap_sums",
]


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


def hebbian_energy(
    sums: np.ndarray,
    *,
    nnz: np.ndarray,
    weights: np.ndarray,
    p: int,
    n_neurons: int,
    cube_sums: np.ndarray | None = None,
) -> np.ndarray:
    """Energy per spin of a Hebbian network from its overlap sums (module docstring).

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
        :math:`g_3 = M_k^3 - 3 M_k n_k + 2 P_{3,k}` (module docstring). Without it the
        recursion of :func:`ordered_products` is used, exact for ternary memories
        (:math:`P_3 = M_k`), which therefore need none. Not used at p = 2.

    Returns
    -------
    (...) ndarray of float64
        :math:`E/N`, computed in float64 (exact integers up to :math:`2^{53}`: for
        p = 2, :math:`M_k^2 \\le (N \\max|\\xi|)^2`; for p = 3,
        :math:`|M_k|^3 \\le (N \\max|\\xi|)^3`).

    Raises
    ------
    ValueError
        For ``cube_sums`` at p >= 4 (their energy needs higher power sums too).
    """
    S = np.asarray(sums, dtype=np.float64)
    n = np.asarray(nnz, dtype=np.float64)
    if cube_sums is None or p == 2:
        g = ordered_products(p, S, n)
    elif p == 3:
        g = S * (S * S - 3.0 * n) + 2.0 * np.asarray(cube_sums, dtype=np.float64)
    else:
        raise ValueError(
            f"cube_sums give exact energies up to p = 3 (integer memories), got p = {p}"
        )
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
