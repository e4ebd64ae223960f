"""The symmetric rules, computed from the patterns in closed form or in one pass.

* :func:`hebb` -- Hopfield, PNAS 79, 2554 (1982).
* :func:`storkey` -- Storkey, ICANN 1997; Storkey and Valabregue, Neural Networks 12,
  869 (1999).
* :func:`pseudo_inverse` -- Personnaz, Guyon, Dreyfus, J. Phys. Lett. 46, L359 (1985);
  Kanter and Sompolinsky, Phys. Rev. A 35, 380 (1987).

``Z`` is the (N, K) matrix whose columns are the patterns (``patterns.T``).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas

from hebbian.learning._checks import check_flag, check_patterns, check_start
from hebbian.models import CouplingModel

__all__ = ["hebb", "pseudo_inverse", "storkey"]


def hebb(patterns: object, *, self_coupling: bool = False, start: object = None) -> CouplingModel:
    """Hebb's rule: the outer-product couplings of Hopfield's network.

    .. math:: J_{ij} = \\frac{1}{N}\\sum_{\\mu=1}^{K} \\xi_i^\\mu \\xi_j^\\mu,
              \\qquad J = \\frac{1}{N} Z Z^T,

    normalized by ``N`` so that a pattern's own field is of order one. Symmetric. The
    diagonal is :math:`J_{ii} = K/N = \\alpha`: kept with ``self_coupling=True``, zero
    otherwise (Hopfield's network). Learning from couplings ``start`` adds the patterns'
    terms to them, :math:`J = J^{(0)} + \frac1N ZZ^T`. Reference: Hopfield, PNAS 79,
    2554 (1982).

    Parameters
    ----------
    patterns : (K, N) array of -1 and +1
    self_coupling : bool, optional
        Keep the diagonal ``K/N`` (``keep_diagonal=True``) or set it to zero.
    start : (N, N) array, optional
        Symmetric couplings learning starts from (zero diagonal unless
        ``self_coupling``); default zero.

    Returns
    -------
    CouplingModel
        ``symmetric=True``, ``memories=patterns``.

    Notes
    -----
    Cost :math:`O(K N^2)` time (one matrix product), :math:`O(N^2)` memory. The sums
    are integers, exact in float64, so ``J`` is exactly symmetric.

    Examples
    --------
    >>> hebb([[1, -1, 1], [1, 1, -1]]).couplings.tolist()[0]
    [0.0, 0.0, 0.0]
    >>> hebb([[1, -1, 1], [1, 1, -1]], self_coupling=True).couplings[0, 0]
    np.float64(0.6666666666666666)
    """
    xi = check_patterns(patterns)
    keep = check_flag("self_coupling", self_coupling)
    J0 = check_start(start, xi.shape[1], self_coupling=keep, symmetric=True)
    x = xi.astype(np.float64)
    J = (x.T @ x) / xi.shape[1]
    if J0 is not None:
        J += J0
    return CouplingModel(J, keep_diagonal=keep, memories=xi, symmetric=True)


def storkey(
    patterns: object, *, self_coupling: bool = False, start: object = None
) -> CouplingModel:
    """Storkey's incremental, local rule.

    Starting from :math:`w = 0` (or from ``start``), the patterns are learnt one after
    the other, :math:`\\mu = 1, \\dots, K`, each by

    .. math:: w_{ij} \\leftarrow w_{ij} + \\frac{1}{N}\\big(\\xi_i\\xi_j
              - \\xi_i h_{ji} - h_{ij}\\xi_j\\big), \\qquad
              h_{ij} = \\sum_{k \\ne i, j} w_{ik}\\xi_k,

    with the weights before the update on the right (all :math:`(i, j)` at once).
    Normalized by ``N`` like :func:`hebb`, to which it reduces at first order.
    Symmetric (each update is). Reference: Storkey, ICANN 1997; Storkey and Valabregue,
    Neural Networks 12, 869 (1999).

    Diagonal: the sum defining :math:`h_{ij}` excludes ``k = i``, so the diagonal
    :math:`w_{ii}` never enters any update, and the off-diagonal couplings are the
    same whether or not it is kept. With ``self_coupling=True`` the diagonal is the
    formula above at ``i = j``, :math:`w_{ii} \\leftarrow w_{ii} + \\frac1N(1 -
    2\\xi_i h_{ii})` with :math:`h_{ii} = \\sum_{k \\ne i} w_{ik}\\xi_k` (kept as a
    self-coupling, ``keep_diagonal=True``); with ``False`` it is zero.

    Parameters
    ----------
    patterns : (K, N) array of -1 and +1
        Learnt in row order.
    self_coupling : bool, optional
        Keep the diagonal described above, or set it to zero.
    start : (N, N) array, optional
        Symmetric couplings :math:`w` before the first pattern (zero diagonal unless
        ``self_coupling``); default zero.

    Returns
    -------
    CouplingModel
        ``symmetric=True``, ``memories=patterns``.

    Notes
    -----
    Vectorised: with :math:`u_i = h_{ii} = \\sum_{k\\ne i} w_{ik}\\xi_k` (one
    matrix-vector product), :math:`h_{ij} = u_i - w_{ij}\\xi_j` for ``i != j`` and, as
    :math:`\\xi_j^2 = 1` and ``w`` is symmetric, the update is

    .. math:: w \\leftarrow \\Big(1 + \\frac{2}{N}\\Big) w + \\frac{1}{N}\\big(
              v\\xi^T + \\xi v^T\\big), \\qquad v = \\tfrac12\\xi - u
              \\quad (i \\ne j),

    one symmetric rank-2 update (BLAS ``dsyr2`` on one triangle; the factor
    :math:`1 + 2/N` is carried as a common scale). Cost :math:`O(N^2)` per pattern,
    :math:`O(K N^2)` in all, one N x N array of memory; the result is exactly symmetric.

    Examples
    --------
    >>> from hebbian.patterns import random_patterns
    >>> model = storkey(random_patterns(5, 50, seed=0))
    >>> bool((model.couplings == model.couplings.T).all())
    True
    """
    xi = check_patterns(patterns)
    keep = check_flag("self_coupling", self_coupling)
    N = xi.shape[1]
    J0 = check_start(start, N, self_coupling=keep, symmetric=True)
    # w = scale * upper triangle of `stored` (zero diagonal); the diagonal apart
    stored = np.zeros((N, N), order="F")
    scale = 1.0
    diag = np.zeros(N)
    if J0 is not None:
        stored[:] = J0
        np.fill_diagonal(stored, 0.0)
        diag[:] = np.diagonal(J0)
    for row in xi:
        x = row.astype(np.float64)
        u = scale * blas.dsymv(1.0, stored, x)  # u_i = h_ii = sum_{k != i} w_ik x_k
        diag += (1.0 - 2.0 * x * u) / N
        scale *= 1.0 + 2.0 / N
        # x x^T - x u^T - u x^T = v x^T + x v^T with v = x/2 - u (one rank-2 update)
        stored = blas.dsyr2(1.0 / (N * scale), 0.5 * x - u, x, a=stored, overwrite_a=True)
        np.fill_diagonal(stored, 0.0)
    upper = np.triu(stored, 1) * scale
    W = upper + upper.T  # exactly symmetric
    if keep:
        np.fill_diagonal(W, diag)
    return CouplingModel(W, keep_diagonal=keep, memories=xi, symmetric=True)


def pseudo_inverse(patterns: object, *, self_coupling: bool = False) -> CouplingModel:
    """Learn with the pseudo-inverse (projection) rule.

    .. math:: J = \\frac{1}{N} Z C^{-1} Z^T, \\qquad C = \\frac{1}{N} Z^T Z,

    the orthogonal projector onto the span of the patterns (normalized so that
    :math:`J\\xi^\\mu = \\xi^\\mu`: every pattern is a fixed point with field
    :math:`h_i^\\mu = \\xi_i^\\mu`). Symmetric. Its diagonal is
    :math:`J_{ii} \\approx K/N = \\alpha` (:math:`\\operatorname{tr} J = K`): kept with
    ``self_coupling=True``; with ``False`` it is zero and
    :math:`h_i^\\mu = (1 - J_{ii})\\xi_i^\\mu`, still aligned with the pattern since
    :math:`J_{ii} < 1` unless the unit vector of site ``i`` lies in the span. References:
    Personnaz, Guyon, Dreyfus, J. Phys. Lett. 46, L359 (1985); Kanter and Sompolinsky,
    Phys. Rev. A 35, 380 (1987).

    Parameters
    ----------
    patterns : (K, N) array of -1 and +1
        Linearly independent, so ``K <= N``.
    self_coupling : bool, optional
        Keep the diagonal or set it to zero.

    Returns
    -------
    CouplingModel
        ``symmetric=True``, ``memories=patterns``.

    Raises
    ------
    ValueError
        When ``K > N`` or the patterns are linearly dependent (numerical rank below
        ``K``, at the tolerance of ``numpy.linalg.matrix_rank``: ``C`` is singular).

    Notes
    -----
    Computed without forming :math:`C^{-1}`: with the Householder QR decomposition
    :math:`Z = QR` (Q: N x K with orthonormal columns, which span the patterns when
    ``R`` is regular), :math:`J = Q Q^T`; the rank is read from the singular values of
    ``R`` (those of ``Z``). Cost :math:`O(N K^2)` for the decomposition plus
    :math:`O(K N^2)` for the product, :math:`O(N^2)` memory.

    Examples
    --------
    >>> from hebbian.patterns import random_patterns
    >>> xi = random_patterns(40, 100, seed=0)
    >>> model = pseudo_inverse(xi, self_coupling=True)
    >>> round(float(model.couplings.trace()), 9)
    40.0
    """
    xi = check_patterns(patterns)
    keep = check_flag("self_coupling", self_coupling)
    K, N = xi.shape
    if K > N:
        raise ValueError(
            f"pseudo_inverse needs K <= N linearly independent patterns, got K = {K} > N = {N}"
        )
    Q, R = np.linalg.qr(xi.T.astype(np.float64))  # Z = Q R, Q: (N, K) orthonormal
    s = np.linalg.svd(R, compute_uv=False)  # the singular values of Z
    tol = s[0] * max(N, K) * np.finfo(np.float64).eps
    rank = int(np.count_nonzero(s > tol))
    if rank < K:
        raise ValueError(
            f"pseudo_inverse needs linearly independent patterns (K <= N and no pattern "
            f"a combination of the others), got rank {rank} < K = {K}"
        )
    J = Q @ Q.T
    J = (J + J.T) / 2.0  # exactly symmetric
    return CouplingModel(J, keep_diagonal=keep, memories=xi, symmetric=True)
