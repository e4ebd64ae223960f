"""The perceptron-type rules: each neuron learns its own row of couplings.

* :func:`krauth_mezard` -- MinOver, Krauth and Mezard, J. Phys. A 20, L745 (1987).
* :func:`gardner` -- perceptron with margin, Gardner, J. Phys. A 21, 257 (1988).
* :func:`diederich_opper_1`, :func:`diederich_opper_2` -- Diederich and Opper, Phys.
  Rev. Lett. 58, 949 (1987).

Every rule starts from :math:`J = 0` (:func:`gardner` and the Diederich-Opper rules
also from given couplings ``start``) and adds to row ``i`` multiples of
:math:`\\frac{1}{N}\\xi_i^\\mu\\xi^\\mu`, the Hebbian term of pattern ``mu``; the rows are
learnt independently, so ``J`` is not symmetric in general (``symmetric=False``: the
engine runs zero-temperature and synchronous dynamics only). With
``self_coupling=False`` the diagonal is excluded from learning: :math:`J_{ii} = 0`
throughout, the updates touch :math:`j \\ne i` only and every field and norm during
training is the one of the returned model. With ``self_coupling=True`` the updates
include :math:`j = i` (each adds :math:`c/N` to :math:`J_{ii}`) and the diagonal is kept
as a self-coupling.

All rows learn at once in Numba kernels (:mod:`hebbian.learning._kernels`, one neuron
per thread). Memory :math:`O(K^2 + N K)` besides the couplings; the kernels compile on
first use (cached on disk).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hebbian._validation import check_real
from hebbian.learning._checks import check_gap, check_row_rule, check_start
from hebbian.learning.measures import stabilities
from hebbian.models import CouplingModel

__all__ = [
    "LearningResult",
    "diederich_opper_1",
    "diederich_opper_2",
    "gardner",
    "krauth_mezard",
]


@dataclass(frozen=True, eq=False)
class LearningResult:
    """The outcome of a perceptron-type rule (``full_output=True``).

    Attributes
    ----------
    model : CouplingModel
        The learnt couplings (``symmetric=False``, ``memories=patterns``).
    converged : (N,) bool array
        Whether each row met the rule's stopping criterion (else it ran out of
        ``max_sweeps`` and the row is what it had reached).
    updates : (N,) int64 array
        Updates of each row (additions of a multiple of :math:`\\xi_i^\\mu\\xi^\\mu/N`).
    sweeps : (N,) int64 array
        Sweeps through the patterns of each row (MinOver: ``updates / K``, rounded up).
    """

    model: CouplingModel
    converged: np.ndarray
    updates: np.ndarray
    sweeps: np.ndarray

    @property
    def all_converged(self) -> bool:
        """Whether every row converged."""
        return bool(np.all(self.converged))

    @property
    def stabilities(self) -> np.ndarray:
        """The (K, N) stabilities :math:`\\gamma_i^\\mu` of the model (:func:`stabilities`)."""
        return stabilities(self.model)

    @property
    def min_stability(self) -> np.ndarray:
        """Least stability of each neuron, :math:`\\min_\\mu \\gamma_i^\\mu`, (N,)."""
        return np.min(self.stabilities, axis=0)


class _Rows:
    """The dual state of the N rows (:mod:`hebbian.learning._kernels`).

    Row ``i`` is :math:`a = N J_i = a^{(0)} + \\sum_\\mu c_\\mu\\eta^\\mu` with
    :math:`a^{(0)} = N J^{(0)}_i` the start (zero by default): ``acts0`` and ``norms0``
    hold :math:`\\eta^\\nu\\cdot a^{(0)}` and :math:`|a^{(0)}|^2`.
    """

    def __init__(self, xi: np.ndarray, self_coupling: bool, start: np.ndarray | None = None):
        K, N = xi.shape
        self.xi = xi
        self.keep = self_coupling
        self.start = start
        x = xi.astype(np.float64)
        self.q = x @ x.T  # integers, exact
        self.s = np.ascontiguousarray(x.T)  # s[i, mu] = xi_i^mu
        self.m = 0.0 if self_coupling else 1.0
        self.coef = np.zeros((N, K))
        if start is None:
            self.acts0 = np.zeros((N, K))
            self.norms0 = np.zeros(N)
        else:  # a zero diagonal of start (self_coupling=False) drops component i
            self.acts0 = N * self.s * (start @ x.T)
            self.norms0 = N * N * np.einsum("ij,ij->i", start, start)
        self.acts = self.acts0.copy()
        self.norms2 = self.norms0.copy()
        self.updates = np.zeros(N, dtype=np.int64)
        self.sweeps = np.zeros(N, dtype=np.int64)
        self.converged = np.zeros(N, dtype=np.bool_)

    def result(self, full_output: bool) -> CouplingModel | LearningResult:
        N = self.xi.shape[1]
        J = ((self.coef * self.s) @ self.xi.astype(np.float64)) / N
        if self.start is not None:
            J += self.start
        if not self.keep:
            np.fill_diagonal(J, 0.0)
        model = CouplingModel(J, keep_diagonal=self.keep, memories=self.xi, symmetric=False)
        if not full_output:
            return model
        return LearningResult(model, self.converged.copy(), self.updates, self.sweeps)


def krauth_mezard(
    patterns: object,
    *,
    self_coupling: bool = False,
    max_sweeps: int = 1000,
    tol: float = 0.01,
    full_output: bool = False,
) -> CouplingModel | LearningResult:
    """MinOver: the couplings of optimal stability (Krauth and Mezard).

    For each neuron ``i``, from :math:`J_i = 0`, repeat: find the pattern of least
    stability,

    .. math:: \\mu^* = \\arg\\min_\\mu \\gamma_i^\\mu, \\qquad
              \\gamma_i^\\mu = \\frac{\\xi_i^\\mu h_i^\\mu}{\\lVert J_i\\rVert},

    and add :math:`\\frac1N \\xi_i^{\\mu^*}\\xi^{\\mu^*}` to row ``i`` (normalization of
    :func:`~hebbian.learning.hebb`). As the number of updates grows, the least stability
    tends to the optimal one, :math:`\\kappa_{\\rm opt}`, which for random patterns at
    load :math:`\\alpha = K/N` solves :math:`\\alpha^{-1} = \\int_{-\\kappa}^\\infty Dt\\,
    (t+\\kappa)^2` (Gardner 1988; :math:`\\alpha_c(0) = 2`). Asymmetric
    (``symmetric=False``). Reference: Krauth and Mezard, J. Phys. A 20, L745 (1987).

    Stopping criterion (per neuron): after ``t`` updates the row is
    :math:`a = N J_i = \\sum \\eta^{\\mu_s}` with :math:`\\eta^\\mu = \\xi_i^\\mu\\xi^\\mu`,
    and :math:`|a|/t` bounds the optimal stability from above (:math:`a/t` lies in the
    convex hull of the :math:`\\eta^\\mu`); the row stops when
    :math:`\\min_\\mu\\gamma_i^\\mu \\ge (1 - tol)\\,|a|/t`, which certifies
    :math:`\\min_\\mu\\gamma_i^\\mu \\ge (1 - tol)\\,\\kappa_{\\rm opt}` for that neuron,
    or after ``max_sweeps * K`` updates.

    Parameters
    ----------
    patterns : (K, N) array of -1 and +1
    self_coupling : bool, optional
        ``False``: :math:`J_{ii} = 0` during learning and after; ``True``: the updates
        include the diagonal (:math:`J_{ii}` = updates / N), kept as a self-coupling.
    max_sweeps : int, optional
        At most ``max_sweeps * K`` updates per neuron.
    tol : float, optional
        Relative gap to the certified optimum at which a neuron stops, in (0, 1).
    full_output : bool, optional
        Return a :class:`LearningResult` (model, convergence, updates) instead of the
        model alone.

    Returns
    -------
    CouplingModel or LearningResult
        ``symmetric=False``, ``memories=patterns``. The least stabilities are
        ``stabilities(model).min(axis=0)`` (:func:`~hebbian.learning.stabilities`),
        also ``result.min_stability``.

    Notes
    -----
    Cost :math:`O(K)` per update per neuron (find the minimum and update the K
    stabilities through the overlaps :math:`\\xi^\\mu\\cdot\\xi^\\nu`), so
    :math:`O(N K\\,T)` for ``T`` updates per neuron, plus :math:`O(K N^2)` for the
    overlaps and the final couplings; ``T`` grows like a power of
    :math:`1/(\\text{gap})` and diverges as :math:`\\alpha \\to 2`.
    """
    xi, keep, max_sweeps = check_row_rule(patterns, self_coupling, max_sweeps, full_output)
    tol = check_gap(tol)
    from hebbian.learning._kernels import minover_rows

    rows = _Rows(xi, keep)
    K = xi.shape[0]
    minover_rows(rows.q, rows.s, rows.m, max_sweeps * K, tol, rows.coef, rows.acts,
                 rows.norms2, rows.updates, rows.converged)  # fmt: skip
    rows.sweeps = -(-rows.updates // K)
    return rows.result(full_output)


def gardner(
    patterns: object,
    *,
    kappa: float = 0.0,
    self_coupling: bool = False,
    max_sweeps: int = 1000,
    full_output: bool = False,
    start: object = None,
) -> CouplingModel | LearningResult:
    """Gardner's perceptron algorithm with margin ``kappa``.

    For each neuron ``i``, from :math:`J_i = 0`, cycle through the patterns
    :math:`\\mu = 1, \\dots, K` and update

    .. math:: J_{ij} \\leftarrow J_{ij} + \\frac{1}{N}\\xi_i^\\mu\\xi_j^\\mu
              \\quad\\text{when}\\quad \\xi_i^\\mu h_i^\\mu \\le \\kappa\\,\\lVert J_i\\rVert,
              \\qquad h_i^\\mu = \\sum_j J_{ij}\\xi_j^\\mu,

    i.e. when the stability :math:`\\gamma_i^\\mu` is at most :math:`\\kappa` (Gardner's
    normalization :math:`\\sum_j J_{ij}^2 = N` with the condition
    :math:`\\xi_i^\\mu h_i^\\mu/\\sqrt N > \\kappa`). The inequality is not strict so that
    the algorithm starts from :math:`J = 0` (where :math:`0 \\le 0`) and so that at
    ``kappa = 0`` it is Rosenblatt's perceptron, which also updates on a zero field. A
    neuron stops after a sweep without update: then every pattern has
    :math:`\\xi_i^\\mu h_i^\\mu > \\kappa\\lVert J_i\\rVert`. Gardner proved convergence in
    finitely many updates whenever couplings of stability above ``kappa`` exist (for
    random patterns, ``kappa`` below the optimal :math:`\\kappa(\\alpha)`,
    :func:`krauth_mezard`). Asymmetric (``symmetric=False``). Reference: Gardner,
    J. Phys. A 21, 257 (1988).

    Parameters
    ----------
    patterns : (K, N) array of -1 and +1
    kappa : float, optional
        Margin, ``>= 0`` (the convergence proof needs it; 0: the plain perceptron).
    self_coupling : bool, optional
        As in :func:`krauth_mezard`.
    max_sweeps : int, optional
        Sweeps through the patterns before a neuron gives up (not converged).
    full_output : bool, optional
        Return a :class:`LearningResult`, whose ``converged`` says which neurons met the
        margin.
    start : (N, N) array, optional
        Couplings the rows start from (zero diagonal unless ``self_coupling``); default
        zero. Row ``i`` starts at ``start[i]`` and learns as above.

    Returns
    -------
    CouplingModel or LearningResult
        ``symmetric=False``, ``memories=patterns``.

    Notes
    -----
    Cost per sweep and neuron: ``K`` checks of :math:`O(1)` plus :math:`O(K)` per
    update; :math:`O(K N^2)` for the overlaps and the couplings.
    """
    xi, keep, max_sweeps = check_row_rule(patterns, self_coupling, max_sweeps, full_output)
    kappa = check_real("kappa", kappa, minimum=0.0)
    J0 = check_start(start, xi.shape[1], self_coupling=keep, symmetric=False)
    return _perceptron(xi, keep, J0, True, kappa, max_sweeps, full_output)


def diederich_opper_1(
    patterns: object,
    *,
    margin: float = 1.0,
    self_coupling: bool = False,
    max_sweeps: int = 1000,
    full_output: bool = False,
    start: object = None,
) -> CouplingModel | LearningResult:
    """Diederich and Opper's rule I: perceptron updates up to a fixed field.

    For each neuron, from :math:`J_i = 0`, cycle through the patterns and update

    .. math:: J_{ij} \\leftarrow J_{ij} + \\frac{1}{N}\\xi_i^\\mu\\xi_j^\\mu
              \\quad\\text{when}\\quad \\xi_i^\\mu h_i^\\mu < c,

    with ``c = margin`` (1 in the paper) in the unnormalized units of the field (each
    update raises the pattern's own :math:`\\xi_i^\\mu h_i^\\mu` by about 1), until a
    sweep makes no update: then every pattern has :math:`\\xi_i^\\mu h_i^\\mu \\ge c`.
    Converges whenever the patterns are linearly separable at site ``i`` (random
    patterns: :math:`\\alpha < 2`); the norm is free, so the stability reached is not
    the optimal one. Asymmetric (``symmetric=False``). Reference: Diederich and Opper,
    Phys. Rev. Lett. 58, 949 (1987).

    Parameters
    ----------
    patterns : (K, N) array of -1 and +1
    margin : float, optional
        ``c > 0``.
    self_coupling : bool, optional
        As in :func:`krauth_mezard`.
    max_sweeps : int, optional
        Sweeps before a neuron gives up.
    full_output : bool, optional
        Return a :class:`LearningResult`.
    start : (N, N) array, optional
        Couplings the rows start from (zero diagonal unless ``self_coupling``); default
        zero. Row ``i`` starts at ``start[i]`` and learns as above.

    Returns
    -------
    CouplingModel or LearningResult
        ``symmetric=False``, ``memories=patterns``.

    Notes
    -----
    Cost as :func:`gardner`.
    """
    xi, keep, max_sweeps = check_row_rule(patterns, self_coupling, max_sweeps, full_output)
    margin = check_real("margin", margin, minimum=0.0, include_minimum=False)
    J0 = check_start(start, xi.shape[1], self_coupling=keep, symmetric=False)
    return _perceptron(xi, keep, J0, False, margin * xi.shape[1], max_sweeps, full_output)


def _perceptron(xi, keep, start, normalized, threshold, max_sweeps, full_output):
    from hebbian.learning._kernels import perceptron_rows

    rows = _Rows(xi, keep, start)
    perceptron_rows(rows.q, rows.s, rows.m, normalized, threshold, max_sweeps, rows.coef,
                    rows.acts, rows.norms2, rows.updates, rows.sweeps, rows.converged)  # fmt: skip
    return rows.result(full_output)


def diederich_opper_2(
    patterns: object,
    *,
    self_coupling: bool = False,
    max_sweeps: int = 10000,
    tol: float = 1e-10,
    full_output: bool = False,
    start: object = None,
) -> CouplingModel | LearningResult:
    """Diederich and Opper's rule II: iterated learning towards :math:`\\xi h = 1`.

    For each neuron, from :math:`J_i = 0`, cycle through the patterns and update

    .. math:: J_{ij} \\leftarrow J_{ij} + \\frac{1}{N}\\big(1 - \\xi_i^\\mu h_i^\\mu\\big)
              \\xi_i^\\mu\\xi_j^\\mu

    (a Kaczmarz iteration for the linear equations :math:`\\xi_i^\\mu h_i^\\mu = 1`,
    started from zero, hence converging to their least-norm solution in the span of the
    patterns) until :math:`|1 - \\xi_i^\\mu h_i^\\mu| \\le` ``tol`` for every pattern.
    Reference: Diederich and Opper, Phys. Rev. Lett. 58, 949 (1987).

    The limit, for linearly independent patterns (``K <= N``):

    * ``self_coupling=True``: the pseudo-inverse couplings
      :math:`P = Z (Z^TZ)^{-1} Z^T` (:func:`~hebbian.learning.pseudo_inverse` with its
      diagonal), which are symmetric; the returned model is still built with
      ``symmetric=False``, as the iteration stops at a tolerance.
    * ``self_coupling=False`` (:math:`J_{ii} = 0` during learning): the equations are
      :math:`\\sum_{j\\ne i} J_{ij}\\xi_j^\\mu = \\xi_i^\\mu`, solved by
      :math:`J_{ij} = P_{ij}/(1 - P_{ii})` (:math:`j \\ne i`), the rows of the
      zero-diagonal pseudo-inverse each rescaled by a positive factor: not symmetric,
      but with the same zero-temperature dynamics (the sign of every field is the same).

    Parameters
    ----------
    patterns : (K, N) array of -1 and +1
    self_coupling : bool, optional
        As in :func:`krauth_mezard`.
    max_sweeps : int, optional
        Sweeps before a neuron gives up (dependent patterns, ``K > N``, never reach
        ``tol``).
    tol : float, optional
        ``> 0``, on :math:`|1 - \\xi_i^\\mu h_i^\\mu|`; checked again on stabilities
        recomputed from the learnt coefficients before a neuron stops.
    full_output : bool, optional
        Return a :class:`LearningResult`.
    start : (N, N) array, optional
        Couplings the rows start from (zero diagonal unless ``self_coupling``); default
        zero. The iteration then converges to the solution nearest to ``start`` (the
        pseudo-inverse limits above hold for the zero start).

    Returns
    -------
    CouplingModel or LearningResult
        ``symmetric=False``, ``memories=patterns``.

    Notes
    -----
    Cost :math:`O(K^2)` per sweep and neuron; the number of sweeps grows like the
    condition number of :math:`C = Z^TZ/N`, :math:`((1+\\sqrt\\alpha)/(1-\\sqrt\\alpha))^2`
    for random patterns, times :math:`\\log(1/tol)`.
    """
    xi, keep, max_sweeps = check_row_rule(patterns, self_coupling, max_sweeps, full_output)
    tol = check_real("tol", tol, minimum=0.0, include_minimum=False)
    J0 = check_start(start, xi.shape[1], self_coupling=keep, symmetric=False)
    from hebbian.learning._kernels import diederich_opper_2_rows

    rows = _Rows(xi, keep, J0)
    diederich_opper_2_rows(rows.q, rows.s, rows.m, max_sweeps, tol, rows.coef, rows.acts0,
                           rows.norms0, rows.acts, rows.norms2, rows.updates, rows.sweeps,
                           rows.converged)  # fmt: skip
    return rows.result(full_output)
