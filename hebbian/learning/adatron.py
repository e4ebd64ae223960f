"""The AdaTron: the couplings of optimal stability by coordinate ascent on the dual.

* :func:`adatron` -- Anlauf and Biehl, Europhys. Lett. 10, 687 (1989).

It learns the same couplings as MinOver (:func:`~hebbian.learning.krauth_mezard`), the
perceptron of maximal stability, which is unique up to scale, with the conventions of
:mod:`hebbian.learning.perceptron`: rows learnt independently from :math:`J = 0` by
adding multiples of :math:`\\frac1N\\xi_i^\\mu\\xi^\\mu`, ``symmetric=False``, the
diagonal excluded from learning or kept. The Numba kernel is in
:mod:`hebbian.learning._adatron_kernels` (one neuron per thread, cached on disk).
"""

from __future__ import annotations

import numpy as np

from hebbian.learning._checks import check_gap, check_row_rule
from hebbian.learning.perceptron import LearningResult, _Rows
from hebbian.models import CouplingModel

__all__ = ["ADATRON_GAMMA", "adatron"]

#: The step :math:`\gamma` of :func:`adatron` (over-relaxed: 1 is, up to
#: :math:`N/(N - 1)`, the exact maximum along one coordinate; the iteration converges
#: for :math:`0 < \gamma < 2N/(N - m)`). Measured at :math:`\alpha = 1.5`, N = 300 and
#: 1000: 1.6 reached 0.98 of the optimal stability in the fewest sweeps of 1.2-1.7.
ADATRON_GAMMA = 1.6


def adatron(
    patterns: object,
    *,
    self_coupling: bool = False,
    max_sweeps: int = 1000,
    tol: float = 0.01,
    full_output: bool = False,
) -> CouplingModel | LearningResult:
    """AdaTron: the couplings of optimal stability (Anlauf and Biehl).

    For each neuron ``i`` let :math:`\\eta^\\mu = \\xi_i^\\mu\\xi^\\mu` (component ``i``
    removed when ``self_coupling=False``) and write the row as
    :math:`a = N J_i = \\sum_\\mu x_\\mu \\eta^\\mu` with :math:`x_\\mu \\ge 0`, so that
    :math:`A_\\mu = \\eta^\\mu\\cdot a = N\\xi_i^\\mu h_i^\\mu` and the stability is
    :math:`\\gamma_i^\\mu = A_\\mu/|a|` (:func:`~hebbian.learning.stabilities`). The
    couplings of optimal stability solve

    .. math:: \\min |a|^2 \\quad\\text{subject to}\\quad A_\\mu \\ge N
              \\ \\text{for all}\\ \\mu,

    whose dual is :math:`\\max_{x \\ge 0} \\sum_\\mu x_\\mu - |a|^2/(2N)`. From
    :math:`x = 0` (:math:`J_i = 0`), sweep through the patterns
    :math:`\\mu = 1, \\dots, K` in order and update, each step seeing the previous ones
    (Gauss-Seidel),

    .. math:: x_\\mu \\leftarrow \\max\\Big(0,\\ x_\\mu
              + \\gamma\\Big(1 - \\frac{A_\\mu}{N}\\Big)\\Big),
              \\qquad a \\leftarrow a + \\Delta x_\\mu\\,\\eta^\\mu,

    a projected coordinate-ascent step on the dual, with
    :math:`\\gamma` = :data:`ADATRON_GAMMA` = 1.6 (in units of the Hebbian term
    :math:`\\frac1N\\xi_i^\\mu\\xi^\\mu`, normalization of
    :func:`~hebbian.learning.hebb`). The fixed point has :math:`A_\\mu = N` where
    :math:`x_\\mu > 0` and :math:`A_\\mu \\ge N` elsewhere: the optimal couplings, whose
    least stability tends for random patterns at load :math:`\\alpha = K/N` to
    Gardner's :math:`\\kappa_{\\rm opt}`, :math:`\\alpha^{-1} = \\int_{-\\kappa}^\\infty
    Dt\\,(t+\\kappa)^2` (:func:`hebbian.theory.optimal_stability`), the limit of
    :func:`~hebbian.learning.krauth_mezard` too. Asymmetric (``symmetric=False``).
    Reference: Anlauf and Biehl, Europhys. Lett. 10, 687 (1989).

    Stopping criterion (per neuron, after each sweep), the certificate of MinOver: for
    :math:`x \\ge 0`, :math:`a/\\sum_\\mu x_\\mu` lies in the convex hull of the
    :math:`\\eta^\\mu`, so :math:`|a|/\\sum_\\mu x_\\mu` bounds the optimal stability from
    above; the row stops when :math:`\\min_\\mu\\gamma_i^\\mu \\ge (1 - tol)\\,|a|/\\sum_\\mu
    x_\\mu`, i.e. :math:`\\sum_\\mu x_\\mu\\,A_{\\min} \\ge (1 - tol)\\,|a|^2` with
    :math:`A_{\\min} > 0` (checked again on fields recomputed from the :math:`x_\\mu`),
    which certifies :math:`\\min_\\mu\\gamma_i^\\mu \\ge (1 - tol)\\,\\kappa_{\\rm opt}` for
    that neuron; or after ``max_sweeps`` sweeps.

    Parameters
    ----------
    patterns : (K, N) array of -1 and +1
    self_coupling : bool, optional
        ``False``: :math:`J_{ii} = 0` during learning and after; ``True``: the updates
        include the diagonal (:math:`J_{ii} = \\sum_\\mu x_\\mu / N`), kept as a
        self-coupling.
    max_sweeps : int, optional
        At most ``max_sweeps`` sweeps (``K`` updates each) per neuron, ``>= 1``.
    tol : float, optional
        Relative gap to the certified optimum at which a neuron stops, in (0, 1).
    full_output : bool, optional
        Return a :class:`~hebbian.learning.LearningResult` (model, convergence, updates,
        sweeps) instead of the model alone; ``updates`` counts the coefficients that
        changed.

    Returns
    -------
    CouplingModel or LearningResult
        ``symmetric=False``, ``memories=patterns``. The least stabilities are
        ``stabilities(model).min(axis=0)``, also ``result.min_stability``.

    Notes
    -----
    Learnt in the dual, all rows at once in a Numba kernel (one neuron per thread):
    with the overlaps :math:`Q = \\xi\\xi^T` (K, K) and
    :math:`\\eta^\\mu\\cdot\\eta^\\nu = \\xi_i^\\mu\\xi_i^\\nu Q_{\\mu\\nu} - m`
    (``m = 1`` without the diagonal, 0 with it), an update that changes :math:`x_\\mu`
    costs one pass over row ``mu`` of ``Q``, :math:`O(K)`, and a sweep :math:`O(K^2)`
    per neuron at most (a coefficient that stays at 0 costs :math:`O(1)`), so
    :math:`O(N K^2)` a sweep for the network, plus :math:`O(K N^2)` for the overlaps
    and the couplings; ``Q`` is held in float32 (exact: its entries are integers of
    size at most N). Memory :math:`O(K^2 + N K)`. The sweeps needed grow as a row's
    optimal stability goes to zero (at N = 60, K = 90, ``tol = 1e-6``: up to about 2500
    sweeps for the rows with optimum near 0.04). At :math:`\\alpha = 1.5`, N = 1000 the
    mean least stability
    reaches 0.98 :math:`\\kappa_{\\rm opt}` in about 100 sweeps, 7.5 s on two cores
    (MinOver: about ``1000 K`` updates at N = 300). This sequential form was measured
    against a batched (Jacobi) form, all neurons and patterns at once with two BLAS
    products an iteration: at N = 1000, K = 1500 the two products alone take 0.17 s,
    over two sweeps of this kernel (0.075 s), and it needs
    :math:`\\gamma < 2/\\lambda_{\\max}` (:math:`\\lambda_{\\max} \\approx
    (1 + \\sqrt\\alpha)^2` for :math:`\\eta\\eta^T/N`) and about nine times as many
    iterations (at N = 300: about 950 against 100-110 sweeps; ``benchmarks/RESULTS.md``).
    """
    xi, keep, max_sweeps = check_row_rule(patterns, self_coupling, max_sweeps, full_output)
    tol = check_gap(tol)
    from hebbian.learning._adatron_kernels import adatron_rows

    rows = _Rows(xi, keep)
    N = xi.shape[1]
    q = rows.q.astype(np.float32) if N < 2**24 else rows.q  # integers: exact below 2^24
    adatron_rows(q, rows.s, rows.m, ADATRON_GAMMA, max_sweeps, tol, rows.coef, rows.acts,
                 rows.norms2, rows.updates, rows.sweeps, rows.converged)  # fmt: skip
    return rows.result(full_output)
