r"""RS theory of dense Hebbian networks that learn archetypes from examples.

Setup (Agliari, Albanese, Alemanno, Alessandrelli, Barra, Giannotti, Lotito, Pedreschi,
Physica A 626, 129076 (2023) and 627, 129143 (2023); Alemanno, Aquaro, Kanter, Barra,
Agliari, EPL 141, 11001 (2023)): ``K`` archetypes ``xi`` are never shown; each comes
with ``M`` examples ``eta^{mu,a} = xi^mu chi^{mu,a}``, :math:`P(\chi = \pm1) =
(1 \pm r)/2`. The dataset entropy and the second moment of the example mean
:math:`\bar\eta = M^{-1}\sum_a \eta^a` are

.. math::

    \rho = \frac{1 - r^2}{M r^2},\qquad R = \langle\bar\eta^2\rangle = r^2 (1 + \rho).

The supervised network stores the means, the unsupervised one every example:

.. math::

    H_{\rm sup} = -\frac{N}{p!\,R^{p/2}} \sum_\mu \Bigl(\frac{\bar\eta^\mu\cdot\sigma}{N}
    \Bigr)^p,\qquad
    H_{\rm unsup} = -\frac{N}{p!\,M R^{p/2}} \sum_{\mu, a}
    \Bigl(\frac{\eta^{\mu,a}\cdot\sigma}{N}\Bigr)^p ,

both reducing to the p-spin Hopfield model of :mod:`hebbian.theory.dense` as
``M -> infinity``. Order parameters: the example overlap
``n = (r (1 + rho) N)^(-1) sum_i etabar_i sigma_i`` (``n -> m`` as ``rho -> 0``), the
archetype overlap ``m`` and ``q``.

The equations
-------------
Write ``Y = xi etabar / r`` for a site's example mean in units of ``r`` (mean 1,
variance ``rho``) and ``h = A Y + B Z`` for the field, ``Z`` a standard normal (the
crosstalk of the other archetypes at load ``K = alpha N^(p-1)``):

.. math::

    A = \frac{(1+\rho)^{p/2-1} n^{p-1}}{(p-1)!},\qquad
    n = \frac{\langle Y \tanh\beta h\rangle}{1 + \rho},\quad
    m = \langle\tanh\beta h\rangle,\quad q = \langle\tanh^2\beta h\rangle,

with ``B^2 = alpha q^(p-1) / (p-1)!`` for ``p >= 3`` and ``B^2 = alpha r``,
``r = q / (1 - beta (1 - q))^2``, for ``p = 2`` (the Onsager term of Amit, Gutfreund and
Sompolinsky survives). ``Y`` is either Gaussian, ``1 + sqrt(rho) z`` (the large-``M``
form of the papers), or exact: ``Y = (2k - M) / (M r)`` with ``k`` binomial
``(M, (1 + r)/2)`` (``n_examples=M``). At ``alpha = 0`` (low load) the supervised and
unsupervised rules give the same equations for every ``M``: a state that treats the
examples of an archetype alike has equal overlaps with all of them, and the two fields
coincide (``docs/theory/dense.md``). At high load only the supervised theory is
implemented; the unsupervised one is not derived here.

Closed forms: ``T = 0``, Gaussian ``Y``: ``m = erf(A / sqrt(2 S))``,
``n = [m + rho A sqrt(2/(pi S)) e^{-A^2/(2S)}] / (1 + rho)``, ``S = A^2 rho + B^2``; at
``alpha = 0``, ``m = erf(1/sqrt(2 rho))`` for every ``p``. ``p = 2``, ``alpha = 0``:
``T_c = 1`` for every ``rho``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import erf, erfinv
from scipy.stats import binom

from hebbian._validation import check_choice
from hebbian.theory._core import (
    CONVERGED,
    STATUS_NAMES,
    as_real_array,
    broadcast_flat,
    check_count,
    damped_newton,
    scalar_or_array,
)
from hebbian.theory._gauss import field_averages
from hebbian.theory.dense import MAX_LOAD, dense_critical_capacity

__all__ = [
    "MAX_ENTROPY",
    "MAX_EXAMPLES",
    "DenseLearningSolution",
    "archetype_estimate_overlap",
    "dataset_entropy",
    "dense_learning_capacity",
    "example_quality",
    "examples_needed",
    "solve_dense_learning",
]

Learning = Literal["supervised", "unsupervised"]
_MAX_ORDER = 20
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_FD_STEP = 1e-7
#: Largest dataset entropy accepted (``m = erf(1/sqrt(2 rho))`` is 0.025 at 1000).
MAX_ENTROPY = 1e3
#: Largest ``M`` of the exact binomial mode (it sums ``M + 1`` example means per point).
MAX_EXAMPLES = 100_000


def _check_entropy(rho: object) -> np.ndarray:
    return as_real_array("rho", rho, minimum=0.0, maximum=MAX_ENTROPY, include_maximum=True)


def example_quality(rho: np.ndarray | float, n_examples: int) -> np.ndarray:
    """Return the quality ``r = (1 + rho M)^(-1/2)`` whose ``M`` examples have entropy ``rho``."""
    M = check_count("n_examples", n_examples)
    return scalar_or_array(1.0 / np.sqrt(1.0 + as_real_array("rho", rho) * M))


def dataset_entropy(quality: np.ndarray | float, n_examples: int) -> np.ndarray:
    """Return ``rho = (1 - r^2) / (M r^2)`` for ``M`` examples of quality ``r`` in ``(0, 1]``."""
    M = check_count("n_examples", n_examples)
    r = as_real_array("quality", quality, minimum=0.0, maximum=1.0, include_minimum=False,
                      include_maximum=True)  # fmt: skip
    return scalar_or_array((1.0 - r * r) / (M * r * r))


def archetype_estimate_overlap(agreement: np.ndarray | float, n_examples: int) -> np.ndarray:
    r"""Overlap of an archetype with the majority vote of ``M`` examples, entry by entry.

    An entry of an example agrees with the archetype with probability ``a``
    (:math:`\eta_i = \xi_i` with probability ``a_i``, independently across examples);
    the vote :math:`\operatorname{sign}\sum_{a=1}^M \eta_i^a` (0 on a tie) then agrees
    with :math:`\xi_i` on average by

    .. math::

        m_i = \sum_{k=0}^{M} \binom{M}{k} a_i^k (1-a_i)^{M-k}\,
              \operatorname{sign}(2k - M).

    With one quality for all entries, ``a = (1 + r)/2``, this is the low-load ``T = 0``
    archetype overlap of the exact finite-``M`` theory (Agliari et al., Physica A 627,
    129143 (2023)): the symmetric state is the vote, ``sigma_i = sign(etabar_i)``
    (:func:`solve_dense_learning` with ``n_examples=M`` gives the same number). Entry by
    entry, it is what that theory predicts for data whose entries differ in quality,
    such as the pixels of handwritten digits (``docs/theory/dense.md``); averaged over
    entries it lies below the value for the average quality wherever ``m_i`` is concave
    in ``a_i``.

    Parameters
    ----------
    agreement : array_like
        Probabilities ``a`` in ``[0, 1]``.
    n_examples : int
        ``M >= 1``, at most :data:`MAX_EXAMPLES`.

    Returns
    -------
    ndarray or float
        ``m`` of each entry, shaped like ``agreement``.

    Examples
    --------
    >>> float(archetype_estimate_overlap(0.75, 3))  # 3 a^2 (1-a) + a^3 - the rest
    0.6875
    """
    M = check_count("n_examples", n_examples)
    if M > MAX_EXAMPLES:
        raise ValueError(f"n_examples must be <= {MAX_EXAMPLES}, got {M}")
    a = as_real_array("agreement", agreement, minimum=0.0, maximum=1.0, include_maximum=True)
    k = np.arange(M + 1)
    weights = binom.pmf(k, M, a[..., None])
    return scalar_or_array(weights @ np.sign(2 * k - M).astype(float))


def examples_needed(quality: np.ndarray | float, target_overlap: float) -> np.ndarray:
    """Examples per archetype for an archetype overlap ``m*`` at ``T = 0``, low load.

    ``m = erf(1 / sqrt(2 rho))`` reaches ``m*`` for ``rho <= rho* = 1 / (2 erfinv(m*)^2)``,
    so ``M >= (1 - r^2) / (r^2 rho*)`` (large-``M`` form; ``m* = 0.9``:
    ``rho* = 0.3696``, ``M >= 268`` at ``r = 0.1``, ``65`` at ``0.2``).

    Parameters
    ----------
    quality : array_like
        ``r`` in ``(0, 1]``.
    target_overlap : float
        ``m*`` in ``(0, 1)``.

    Returns
    -------
    ndarray
        The (real) lower bound on ``M``.
    """
    r = as_real_array("quality", quality, minimum=0.0, maximum=1.0, include_minimum=False,
                      include_maximum=True)  # fmt: skip
    target = float(
        as_real_array(
            "target_overlap", target_overlap, minimum=0.0, maximum=1.0, include_minimum=False
        )  # fmt: skip
    )
    rho_star = 1.0 / (2.0 * erfinv(target) ** 2)
    return scalar_or_array((1.0 - r * r) / (r * r * rho_star))


@dataclass(frozen=True)
class DenseLearningSolution:
    """Retrieval state of a dense network trained on examples, on a grid of points.

    Attributes
    ----------
    p : int
    learning : {"supervised", "unsupervised"}
    n_examples : int or None
        ``M`` of the exact (binomial) mode; None for the large-``M`` Gaussian form.
    alpha, rho, temperature : ndarray
        Control parameters (broadcast).
    n, m, q : ndarray
        Example overlap, archetype overlap, Edwards-Anderson parameter (``nan`` where
        not converged).
    converged : ndarray of bool
    status : ndarray of str
        ``"converged"``, ``"absent"`` (no retrieval state: the iteration fell to
        ``n = 0``), ``"not_converged"`` or ``"invalid"``.
    """

    p: int
    learning: str
    n_examples: int | None
    alpha: np.ndarray
    rho: np.ndarray
    temperature: np.ndarray
    n: np.ndarray
    m: np.ndarray
    q: np.ndarray
    converged: np.ndarray
    status: np.ndarray


class _Field:
    """The averages over ``Y`` (and ``Z``) of one problem, at ``T > 0`` or ``T = 0``.

    ``average(A, B, beta, index)`` returns ``m = <tanh>``, ``yt = <Y tanh>``,
    ``q = <tanh^2>`` and ``c = beta <sech^2>`` (its ``T -> 0`` limit at ``T = 0``).
    """

    def __init__(self, rho: np.ndarray, n_examples: int | None):
        self.rho = rho
        self.nodes = self.weights = None
        if n_examples is not None:
            M = n_examples
            k = np.arange(M + 1)
            r = 1.0 / np.sqrt(1.0 + rho * M)  # (n,)
            self.nodes = (2.0 * k[None, :] - M) / (M * r[:, None])  # Y values, (n, M+1)
            self.weights = binom.pmf(k[None, :], M, 0.5 * (1.0 + r[:, None]))

    def average(self, A, B, beta, index):
        if self.nodes is None:
            rho = self.rho[index]
            S = np.sqrt(A * A * rho + B * B)
            m, q, c = _one_gaussian(A, S, beta)
            return m, m + rho * A * c, q, c
        Y, w = self.nodes[index], self.weights[index]
        npt, nk = Y.shape
        rep = lambda v: np.repeat(v, nk)  # noqa: E731
        m_k, q_k, c_k = _one_gaussian((A[:, None] * Y).ravel(), rep(B), rep(beta))
        m_k, q_k, c_k = (v.reshape(npt, nk) for v in (m_k, q_k, c_k))
        return (
            np.sum(w * m_k, axis=1),
            np.sum(w * Y * m_k, axis=1),
            np.sum(w * q_k, axis=1),
            np.sum(w * c_k, axis=1),
        )


def _one_gaussian(mean, std, beta):
    """Return ``<tanh>``, ``<tanh^2>``, ``beta <sech^2>`` of ``beta (mean + std z)``.

    ``beta = inf`` gives the ``T = 0`` limits: ``erf``, 1 and the Gaussian density at the
    kink, ``sqrt(2/pi) e^{-mean^2 / (2 std^2)} / std``.
    """
    m, q, c = (np.empty(mean.size) for _ in range(3))
    hot = np.isfinite(beta)
    if hot.any():
        av = field_averages(mean[hot], std[hot], beta[hot])
        m[hot] = av.t
        q[hot] = np.where(av.u > 0.5, av.tt, 1.0 - av.u)
        c[hot] = beta[hot] * av.u
    cold = ~hot
    if cold.any():
        mu, s = mean[cold], std[cold]
        pos = s > 0
        safe = np.where(pos, s, 1.0)
        m[cold] = np.where(pos, erf(mu / (np.sqrt(2.0) * safe)), np.sign(mu))
        q[cold] = np.where(pos | (mu != 0), 1.0, 0.0)
        c[cold] = np.where(pos, _SQRT_2_OVER_PI / safe * np.exp(-0.5 * (mu / safe) ** 2), 0.0)
    return m, q, c


def _map(p, alpha, rho, beta, field, index, x):
    """Return ``G(x)`` in ``x = (n,)`` (alpha = 0), ``(n, q)`` (p >= 3) or ``(n, s)`` (p = 2).

    ``s = B = sqrt(alpha r)`` at ``p = 2``, iterated as ``G_s = sqrt(alpha q) + s c`` with
    ``c = beta <sech^2>``, whose fixed point is ``r = q / (1 - c)^2`` without dividing by
    ``1 - c`` (as :mod:`hebbian.theory.hopfield` does); at ``T = 0``, ``q = 1``.
    """
    a, rh, bt = alpha[index], rho[index], beta[index]
    n = x[:, 0]
    A = (1.0 + rh) ** (0.5 * p - 1.0) * np.maximum(n, 0.0) ** (p - 1) / math.factorial(p - 1)
    if x.shape[1] == 1:  # alpha = 0
        B = np.zeros(n.size)
    elif p == 2:
        B = np.maximum(x[:, 1], 0.0)
    else:
        B = np.sqrt(a * np.clip(x[:, 1], 0.0, 1.0) ** (p - 1) / math.factorial(p - 1))
    m, yt, q, c = field.average(A, B, bt, index)
    g = np.empty_like(x)
    g[:, 0] = yt / (1.0 + rh)
    if x.shape[1] == 2:
        g[:, 1] = np.sqrt(a * q) + x[:, 1] * c if p == 2 else q
    return g, np.stack([m, q], axis=1)


def _residual(p, alpha, rho, beta, field):
    """Return ``fn`` for :func:`damped_newton`: ``F = G(x) - x``, central-difference Jacobian."""

    def fn(x, index):
        g, aux = _map(p, alpha, rho, beta, field, index, x)
        d = x.shape[1]
        jac = np.empty((x.shape[0], d, d))
        for j in range(d):
            h = _FD_STEP * np.maximum(1.0, np.abs(x[:, j]))
            up, down = x.copy(), x.copy()
            up[:, j] += h
            down[:, j] -= h
            jac[:, :, j] = (
                _map(p, alpha, rho, beta, field, index, up)[0]
                - _map(p, alpha, rho, beta, field, index, down)[0]
            ) / (2.0 * h[:, None])
        jac[:, np.arange(d), np.arange(d)] -= 1.0
        return g - x, jac, aux

    return fn


def solve_dense_learning(
    p: int,
    rho: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    alpha: np.ndarray | float = 0.0,
    learning: Learning = "supervised",
    n_examples: int | None = None,
    tol: float = 1e-12,
    max_iter: int = 20_000,
) -> DenseLearningSolution:
    """Solve the RS equations of a dense network trained on examples (module docstring).

    The retrieval branch, from ``n = 1`` (``q = 1``, ``s = sqrt(alpha)``), by the shared
    damped Newton iteration with a central-difference Jacobian; ``T = 0`` uses the
    closed-form averages. ``rho = 0`` is pure storage
    (:func:`hebbian.theory.dense.solve_dense`, AGS at ``p = 2``).

    Parameters
    ----------
    p : int
        ``2 <= p <= 20``.
    rho : array_like
        Dataset entropy, in ``[0, MAX_ENTROPY = 1e3]``.
    temperature : array_like
        ``T``, finite and ``>= 0``.
    alpha : array_like, optional
        Load ``K / N^(p-1)``, in ``[0, 1e3]`` (default 0: low load).
    learning : {"supervised", "unsupervised"}, optional
        At ``alpha = 0`` both give the same equations; ``alpha > 0`` needs
        ``"supervised"``.
    n_examples : int, optional
        ``M`` for the exact binomial example means (``r = (1 + rho M)^(-1/2)``); None
        for the large-``M`` Gaussian form; at most ``MAX_EXAMPLES = 100000``.
    tol, max_iter : optional
        Convergence threshold on the residual and iteration cap per point.

    Returns
    -------
    DenseLearningSolution

    Raises
    ------
    ValueError
        One line, for a bad argument, or ``alpha > 0`` with ``"unsupervised"``.
    """
    p = check_count("p", p, minimum=2)
    if p > _MAX_ORDER:
        raise ValueError(f"p must be an integer in [2, {_MAX_ORDER}], got {p!r}")
    learning = check_choice("learning", learning, ("supervised", "unsupervised"))
    M = None if n_examples is None else check_count("n_examples", n_examples)
    if M is not None and M > MAX_EXAMPLES:
        raise ValueError(f"n_examples must be an integer in [1, {MAX_EXAMPLES}], got {M}")
    a = as_real_array("alpha", alpha, minimum=0.0, maximum=MAX_LOAD, include_maximum=True)
    rh = _check_entropy(rho)
    t = as_real_array("temperature", temperature, minimum=0.0)
    if learning == "unsupervised" and np.any(a > 0):
        raise ValueError(
            "alpha > 0 needs learning='supervised': the high-load theory of the "
            "unsupervised rule is not derived here (at alpha = 0 the two coincide)"
        )
    shape, (af, rf, tf) = broadcast_flat(a, rh, t)
    beta = np.where(tf > 0, 1.0 / np.where(tf > 0, tf, 1.0), np.inf)
    field = _Field(rf, M)
    low = af == 0
    n = np.full(af.size, np.nan)
    m, q = n.copy(), n.copy()
    status = np.full(af.size, CONVERGED)
    for cols, group in ((1, np.flatnonzero(low)), (2, np.flatnonzero(~low))):
        if not group.size:
            continue
        x0 = np.ones((group.size, cols))
        if cols == 2 and p == 2:
            x0[:, 1] = np.sqrt(af[group])
        sub = (af[group], rf[group], beta[group])
        res = damped_newton(
            _residual(p, *sub, _Subset(field, group)),
            x0,
            lower=np.zeros(cols),
            tol=tol,
            max_iter=max_iter,
        )
        found = res.x[:, 0] > 1e-6
        st = np.where((res.status == CONVERGED) & ~found, 1, res.status)
        good = st == CONVERGED
        n[group[good]] = res.x[good, 0]
        m[group[good]] = res.aux[good, 0]
        q[group[good]] = res.aux[good, 1]
        status[group] = st
    names = STATUS_NAMES[status].reshape(shape)
    ok = names == "converged"

    def out(v):
        return scalar_or_array(np.where(ok, v.reshape(shape), np.nan))

    return DenseLearningSolution(
        p=p,
        learning=learning,
        n_examples=M,
        alpha=np.broadcast_to(a, shape),
        rho=np.broadcast_to(rh, shape),
        temperature=np.broadcast_to(t, shape),
        n=out(n),
        m=out(m),
        q=out(q),
        converged=scalar_or_array(ok),
        status=scalar_or_array(names),
    )


class _Subset:
    """A :class:`_Field` seen through the indices of one group of points."""

    def __init__(self, field: _Field, group: np.ndarray):
        self.field, self.group = field, group

    def average(self, A, B, beta, index):
        return self.field.average(A, B, beta, self.group[index])


def dense_learning_capacity(
    p: int,
    rho: np.ndarray | float,
    *,
    n_examples: int | None = None,
    n_bisect: int = 40,
    max_iter: int = 300,
) -> np.ndarray:
    """``alpha_c(rho)``: the largest load with a retrieval state at ``T = 0``, supervised.

    Bisection in ``alpha`` of the existence of the ``T = 0`` solution of
    :func:`solve_dense_learning` (an iteration still running after ``max_iter`` steps
    counts as no solution, as in :func:`hebbian.theory.dense.dense_retrieval_temperature`).
    ``rho = 0`` gives the storage capacity (0.1379 at ``p = 2``, 0.1261 at ``p = 3``).

    Parameters
    ----------
    p : int
        ``2 <= p <= 20``.
    rho : array_like
        Dataset entropies, in ``[0, 1e3]``.
    n_examples : int, optional
        Exact binomial mode with ``M`` examples.
    n_bisect, max_iter : int, optional
        Bisection steps and the iteration cap of each existence test.

    Returns
    -------
    ndarray
    """
    rh = _check_entropy(rho)
    flat = rh.ravel()
    hi = np.full(flat.size, 2.0 * dense_critical_capacity(p).alpha_c)
    lo = np.zeros(flat.size)
    for _ in range(n_bisect):
        mid = 0.5 * (lo + hi)
        sol = solve_dense_learning(
            p, flat, 0.0, alpha=mid, n_examples=n_examples, max_iter=max_iter
        )
        exists = np.asarray(sol.converged)
        lo = np.where(exists, mid, lo)
        hi = np.where(exists, hi, mid)
    return scalar_or_array(lo.reshape(rh.shape))
