r"""Replica-symmetric theory of dense (p-body) Hebbian networks: pure storage.

Model and normalization
-----------------------
``K = alpha N^(p-1)`` binary patterns, interactions among ``p`` *distinct* neurons
(Gardner, J. Phys. A 20, 3453 (1987); Baldi and Venkatesh, Phys. Rev. Lett. 58, 913
(1987)):

.. math::

    H = -\frac{1}{N^{p-1}} \sum_{k=1}^{K} \sum_{i_1 < \dots < i_p}
        \prod_{a=1}^{p} \xi^k_{i_a} \sigma_{i_a}
      = -\frac{N}{p!} \sum_k m_k^p + o(N),

which is :class:`hebbian.models.HebbianModel` with ``weights = 1/(p-1)!``. Dictionary
to other conventions (``docs/theory/dense.md``):

* Krotov and Hopfield (NeurIPS 2016, arXiv:1606.01164), ``E = -sum_k (xi^k . sigma)^n``
  with full sums: the crosstalk variance is ``(2n - 3)!!`` instead of ``(p - 1)!``;
* the Agliari-Barra papers write ``beta' = 2 beta / p!``, so that
  ``-beta H = (beta'/2) N sum_k m_k^p``;
* counting ``K = alpha' N^(p-1) / p!`` gives ``alpha' = alpha p!``.

RS equations (``p >= 3``)
-------------------------
One condensed pattern; the non-condensed ones give a Gaussian field whose variance is
that of a p-spin glass only: the "soft" Onsager part of ``p = 2`` vanishes (Albanese,
Alemanno, Alessandrelli, Barra, J. Stat. Phys. 186, 40 (2022); Bovier and Niederhauser,
Adv. Theor. Math. Phys. 5, 1001 (2001)). With

.. math::

    h = \frac{m^{p-1}}{(p-1)!} + z\,b(q),\qquad
    b(q) = \sqrt{\frac{\alpha\,q^{p-1}}{(p-1)!}},

.. math::

    f = \frac{(p-1)\,m^p}{p!}
        - \frac{\alpha\beta}{2\,p!}\bigl(1 - p\,q^{p-1} + (p-1)\,q^p\bigr)
        - T\,\langle \ln 2\cosh\beta h\rangle_z ,\qquad
    m = \langle\tanh\beta h\rangle_z,\quad q = \langle\tanh^2\beta h\rangle_z ,

the stationarity conditions of ``f`` (``docs/theory/dense.md`` derives them). At
``T = 0`` (``q -> 1``, the ``alpha beta`` term vanishes like ``beta (1 - q)^2``):

.. math::

    m = \operatorname{erf}\Bigl(\frac{m^{p-1}}{\sqrt{2\alpha(p-1)!}}\Bigr),\qquad
    \alpha_c(p) = \max_u \frac{\operatorname{erf}(u)^{2(p-1)}}{2(p-1)!\,u^2},

``alpha_c(3) = 0.12610`` with ``m = 0.8385``. At ``p = 2`` every function hands over to
the Amit-Gutfreund-Sompolinsky equations (:mod:`hebbian.theory.hopfield`), whose
Onsager term these equations lack.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import erf

from hebbian._validation import check_choice
from hebbian.theory._core import (
    CONVERGED,
    INVALID,
    STATUS_NAMES,
    as_real_array,
    broadcast_flat,
    check_count,
    damped_newton,
    illinois,
    scalar_or_array,
)
from hebbian.theory._gauss import field_averages, mean_log2cosh_over_beta

__all__ = [
    "MAX_LOAD",
    "MAX_ORDER",
    "DenseCapacity",
    "DenseSolution",
    "DenseZeroTemperature",
    "dense_critical_capacity",
    "dense_free_energy",
    "dense_retrieval_temperature",
    "dense_retrieval_window",
    "dense_zero_temperature_retrieval",
    "krotov_hopfield_capacity",
    "solve_dense",
]

#: Largest interaction order ``p`` the functions accept.
MAX_ORDER = 20
#: Largest load ``alpha`` the functions accept (retrieval ends below 0.16 for every p;
#: beyond this only the paramagnet remains, and ``alpha beta`` would overflow).
MAX_LOAD = 1e3
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
Branch = Literal["retrieval", "spin_glass", "paramagnet"]
_BRANCHES = ("retrieval", "spin_glass", "paramagnet")


def _check_order(p: object) -> int:
    value = check_count("p", p, minimum=2)
    if value > MAX_ORDER:
        raise ValueError(f"p must be an integer in [2, {MAX_ORDER}], got {p!r}")
    return value


def _check_load(alpha: object) -> np.ndarray:
    return as_real_array("alpha", alpha, minimum=0.0, maximum=MAX_LOAD, include_maximum=True)


def _noise_std(p: int, alpha: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``b(q) = sqrt(alpha q^(p-1) / (p-1)!)``."""
    return np.sqrt(alpha * q ** (p - 1) / math.factorial(p - 1))


def _signal(p: int, m: np.ndarray) -> np.ndarray:
    """``m^(p-1) / (p-1)!``."""
    return m ** (p - 1) / math.factorial(p - 1)


def _spin_glass_polynomial(p: int, q: np.ndarray) -> np.ndarray:
    """Return ``1 - p q^(p-1) + (p-1) q^p = (1 - q)^2 sum_{k<p-1} (k+1) q^k``, stably."""
    series = sum((k + 1) * q**k for k in range(p - 1))
    return (1.0 - q) ** 2 * series


# ---------------------------------------------------------------------------------------
# T = 0


@dataclass(frozen=True)
class DenseCapacity:
    """The RS storage capacity at ``T = 0`` (:func:`dense_critical_capacity`).

    Attributes
    ----------
    p : int
    alpha_c : float
        ``K / N^(p-1)`` at which the retrieval solution disappears (a spinodal).
    m : float
        Overlap of the retrieval state at ``alpha_c``.
    """

    p: int
    alpha_c: float
    m: float


def _capacity_u(p: int) -> float:
    """Return the maximizer ``u*`` of ``erf(u)^(2(p-1)) / u^2``: ``(p-1) u erf'(u) = erf(u)``."""

    def excess(u, active):
        return (p - 1) * u * (2.0 / math.sqrt(math.pi)) * np.exp(-u * u) - erf(u)

    lo, hi = np.array([1e-3]), np.array([6.0])
    root = illinois(excess, lo, hi, excess(lo, None), excess(hi, None), n_iter=200, xtol=1e-15)
    return float(root[0])


def dense_critical_capacity(p: int) -> DenseCapacity:
    """RS storage capacity ``alpha_c(p)`` at ``T = 0`` and the overlap there.

    ``alpha_c = erf(u)^(2(p-1)) / (2 (p-1)! u^2)`` at the root ``u*`` of
    ``(p-1) u erf'(u) = erf(u)`` (the tangency of the two sides of the ``T = 0``
    equation), ``m = erf(u*)``; ``p = 2`` gives the AGS value 0.1379 with its Onsager
    term (:func:`hebbian.theory.hopfield.critical_capacity`). Values: ``p = 3``:
    0.1260952 (``m = 0.838482``), ``p = 4``: 0.0329767 (``m = 0.917922``).

    Parameters
    ----------
    p : int
        Interaction order, ``2 <= p <= 20``.

    Returns
    -------
    DenseCapacity

    Raises
    ------
    ValueError
        For ``p`` out of range.
    """
    p = _check_order(p)
    if p == 2:
        from hebbian.theory.hopfield import critical_capacity

        ags = critical_capacity()
        return DenseCapacity(p=2, alpha_c=float(ags.alpha), m=float(ags.m))
    u = _capacity_u(p)
    alpha_c = float(erf(u) ** (2 * (p - 1)) / (2.0 * math.factorial(p - 1) * u * u))
    return DenseCapacity(p=p, alpha_c=alpha_c, m=float(erf(u)))


@dataclass(frozen=True)
class DenseZeroTemperature:
    """The RS retrieval state at ``T = 0`` (:func:`dense_zero_temperature_retrieval`).

    Attributes
    ----------
    p : int
    alpha : ndarray
    m : ndarray
        Largest root of ``m = erf(m^(p-1) / sqrt(2 alpha (p-1)!))``; ``nan`` above
        ``alpha_c``.
    energy : ndarray
        ``E/N = (p-1) m^p / p! - <|h|>`` with ``h = m^(p-1)/(p-1)! + z sqrt(alpha /
        (p-1)!)`` (``-1/p!`` at ``alpha = 0``).
    exists : ndarray of bool
        ``alpha <= alpha_c``.
    """

    p: int
    alpha: np.ndarray
    m: np.ndarray
    energy: np.ndarray
    exists: np.ndarray


def _mean_abs(mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """``<|mean + std z|>_z`` in closed form."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(std > 0, mean / (np.sqrt(2.0) * std), np.inf)
    return mean * erf(ratio) + std * _SQRT_2_OVER_PI * np.exp(-(ratio**2))


def dense_zero_temperature_retrieval(p: int, alpha: np.ndarray | float) -> DenseZeroTemperature:
    """Solve the ``T = 0`` retrieval state (overlap, energy) of the p-spin Hopfield model.

    Solves ``m = erf(m^(p-1) / sqrt(2 alpha (p-1)!))`` for its largest root by the
    Illinois method on ``[m(alpha_c), 1]`` (module docstring; Gardner 1987). At ``p = 2``
    hands over to :func:`hebbian.theory.hopfield.zero_temperature_retrieval`.

    Parameters
    ----------
    p : int
        ``2 <= p <= 20``.
    alpha : array_like
        ``K / N^(p-1)``, in ``[0, MAX_LOAD = 1e3]``.

    Returns
    -------
    DenseZeroTemperature

    Raises
    ------
    ValueError
        One line, for a bad ``p`` or ``alpha``.
    """
    p = _check_order(p)
    a = _check_load(alpha)
    if p == 2:
        from hebbian.theory.hopfield import zero_temperature_retrieval

        ags = zero_temperature_retrieval(a)
        return DenseZeroTemperature(2, a, ags.m, ags.energy, ags.exists)
    cap = dense_critical_capacity(p)
    flat = a.ravel()
    m = np.full(flat.shape, np.nan)
    m[flat == 0.0] = 1.0
    todo = np.flatnonzero((flat > 0.0) & (flat <= cap.alpha_c))
    if todo.size:
        scale = np.sqrt(2.0 * flat[todo] * math.factorial(p - 1))

        def excess(x, active):
            return erf(x ** (p - 1) / scale[active]) - x

        lo = np.full(todo.size, cap.m)
        hi = np.ones(todo.size)
        f_lo = np.maximum(excess(lo, np.ones(todo.size, dtype=bool)), 0.0)
        f_hi = excess(hi, np.ones(todo.size, dtype=bool))
        m[todo] = illinois(excess, lo, hi, f_lo, f_hi, n_iter=200, xtol=1e-15)
    m = m.reshape(a.shape)
    exists = np.isfinite(m)
    signal = _signal(p, np.where(exists, m, 0.0))
    energy = (p - 1) * m**p / math.factorial(p) - _mean_abs(signal, _noise_std(p, a, 1.0))
    return DenseZeroTemperature(
        p=p,
        alpha=a,
        m=scalar_or_array(m),
        energy=scalar_or_array(np.where(exists, energy, np.nan)),
        exists=scalar_or_array(exists),
    )


def krotov_hopfield_capacity(n: int, n_neurons: np.ndarray | float) -> np.ndarray:
    """Exact-recall estimate ``K_max = N^(n-1) / (2 (2n-3)!! ln N)`` of Krotov and Hopfield.

    Signal-to-noise estimate for the energy ``E = -sum_k (xi^k . sigma)^n`` with full
    sums (Krotov and Hopfield, NeurIPS 2016, arXiv:1606.01164): the crosstalk of ``K``
    random patterns on one neuron has variance ``K (2n-3)!! N^(n-1)`` against a signal
    ``n N^(n-1)``-squared, and every one of the ``N`` bits must be right. ``n = 2``
    gives ``N / (2 ln N)`` (McEliece, Posner, Rodemich, Venkatesh, IEEE Trans. Inf.
    Theory 33, 461 (1987)).

    Parameters
    ----------
    n : int
        Power of the energy, ``2 <= n <= 20``.
    n_neurons : array_like
        ``N > 1``.

    Returns
    -------
    ndarray
        ``K_max`` (a float: an order of magnitude, not an integer count).
    """
    n = _check_order(n)
    N = as_real_array("n_neurons", n_neurons, minimum=1.0, include_minimum=False)
    double_factorial = math.prod(range(2 * n - 3, 0, -2))
    return scalar_or_array(N ** (n - 1) / (2.0 * double_factorial * np.log(N)))


# ---------------------------------------------------------------------------------------
# finite T


@dataclass(frozen=True)
class DenseSolution:
    """RS solution of the p-spin Hopfield model on a grid of ``(alpha, T)``.

    Attributes
    ----------
    p : int
    alpha, temperature : ndarray
        The control parameters (broadcast).
    branch : {"retrieval", "spin_glass", "paramagnet"}
    m, q : ndarray
        Overlap with the condensed pattern and Edwards-Anderson parameter (``nan`` where
        not converged).
    f : ndarray
        Free energy per spin (the ground-state energy at ``T = 0``).
    converged : ndarray of bool
    status : ndarray of str
        ``"converged"``, ``"absent"`` (the iteration fell onto another branch: the
        requested one does not exist here), ``"not_converged"`` or ``"invalid"``.
    """

    p: int
    alpha: np.ndarray
    temperature: np.ndarray
    branch: str
    m: np.ndarray
    q: np.ndarray
    f: np.ndarray
    converged: np.ndarray
    status: np.ndarray


def dense_free_energy(
    p: int,
    alpha: np.ndarray | float,
    temperature: np.ndarray | float,
    m: np.ndarray | float,
    q: np.ndarray | float,
) -> np.ndarray:
    """RS free energy per spin ``f(m, q)`` of the p-spin Hopfield model, ``p >= 3``, ``T > 0``.

    The expression of the module docstring; its stationary points are the RS equations.

    Parameters
    ----------
    p : int
        ``3 <= p <= 20``.
    alpha, temperature, m, q : array_like
        Broadcast together; ``alpha >= 0``, ``T > 0``, ``m`` in ``[-1, 1]``, ``q`` in
        ``[0, 1]``.

    Returns
    -------
    ndarray
    """
    p = check_count("p", p, minimum=3)
    if p > MAX_ORDER:
        raise ValueError(f"p must be an integer in [3, {MAX_ORDER}], got {p!r}")
    a = _check_load(alpha)
    t = as_real_array("temperature", temperature, minimum=0.0, include_minimum=False)
    mm = as_real_array("m", m, minimum=-1.0, maximum=1.0)
    qq = as_real_array("q", q, minimum=0.0, maximum=1.0)
    shape, (a, t, mm, qq) = broadcast_flat(a, t, mm, qq)
    return scalar_or_array(_free_energy(p, a, 1.0 / t, mm, qq).reshape(shape))


def _free_energy(p, alpha, beta, m, q):
    signal, std = _signal(p, m), _noise_std(p, alpha, q)
    return (
        (p - 1) * m**p / math.factorial(p)
        - alpha * beta * _spin_glass_polynomial(p, q) / (2.0 * math.factorial(p))
        - mean_log2cosh_over_beta(signal, std, beta)
    )


def _residual(p: int, alpha: np.ndarray, beta: np.ndarray, *, spin_glass: bool):
    """``F = G - x`` and its Jacobian in ``x = (m, q)`` (or ``(q,)`` at ``m = 0``).

    ``G_m = <tanh beta h>``, ``G_q = <tanh^2 beta h>``; the derivatives follow from
    ``d/d mean`` and Stein's lemma for ``d/d std``:
    ``dG_m = beta (<sech^2> da + <z sech^2> db)``,
    ``dG_q = 2 beta (<tanh sech^2> da + <z tanh sech^2> db)``, with ``a = m^(p-1)/(p-1)!``
    and ``b = sqrt(alpha q^(p-1) / (p-1)!)``.
    """
    fact = math.factorial(p - 1)

    def fn(x, index):
        load, bt = alpha[index], beta[index]
        m = np.zeros(x.shape[0]) if spin_glass else x[:, 0]
        q = np.clip(x[:, -1], 0.0, 1.0)
        av = field_averages(_signal(p, m), _noise_std(p, load, q), bt)
        gq = np.where(av.u > 0.5, av.tt, 1.0 - av.u)
        d_std = 0.5 * (p - 1) * np.sqrt(load / fact) * q ** (0.5 * (p - 3))
        dq_dq = 2.0 * bt * av.ztu * d_std
        if spin_glass:
            return (gq - x[:, 0])[:, None], (dq_dq - 1.0)[:, None, None], None
        d_signal = m ** (p - 2) / math.factorial(p - 2)
        f = np.stack([av.t - m, gq - x[:, 1]], axis=1)
        jac = np.empty((m.size, 2, 2))
        jac[:, 0, 0] = bt * av.u * d_signal - 1.0
        jac[:, 0, 1] = bt * av.zu * d_std
        jac[:, 1, 0] = 2.0 * bt * av.tu * d_signal
        jac[:, 1, 1] = dq_dq - 1.0
        return f, jac, None

    return fn


def solve_dense(
    p: int,
    alpha: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    branch: Branch = "retrieval",
    tol: float = 1e-12,
    max_iter: int = 20_000,
) -> DenseSolution:
    """Solve the RS equations of the p-spin Hopfield model on an ``(alpha, T)`` grid.

    ``p >= 3``: the equations of the module docstring, by the shared damped Newton
    iteration (:func:`hebbian.theory._core.damped_newton`) in ``(m, q)`` from
    ``(1, 1)`` (retrieval) or in ``q`` from ``1`` at ``m = 0`` (spin glass); the
    paramagnet ``m = q = 0``, ``f = -alpha beta / (2 p!) - T ln 2``, in closed form. At
    ``T = 0``: the retrieval state of :func:`dense_zero_temperature_retrieval`, the
    spin glass ``q = 1``, ``E = -sqrt(2 alpha / (pi (p-1)!))``, and no paramagnet (its
    entropy is negative below ``T = sqrt(alpha / (2 p! ln 2))``; reported ``absent``).
    ``p = 2`` hands over to :func:`hebbian.theory.hopfield.solve_hopfield` (AGS, with
    the Onsager term).

    Parameters
    ----------
    p : int
        ``2 <= p <= 20``.
    alpha : array_like
        ``K / N^(p-1)``, in ``[0, MAX_LOAD = 1e3]``.
    temperature : array_like
        ``T``, finite and ``>= 0``.
    branch : {"retrieval", "spin_glass", "paramagnet"}, optional
    tol : float, optional
        Convergence threshold on the residual of the equations.
    max_iter : int, optional
        Iteration cap per point.

    Returns
    -------
    DenseSolution

    Raises
    ------
    ValueError
        One line, for a bad ``p``, ``alpha``, ``T`` or ``branch``.
    """
    p = _check_order(p)
    branch = check_choice("branch", branch, _BRANCHES)
    a = _check_load(alpha)
    t = as_real_array("temperature", temperature, minimum=0.0)
    shape, (af, tf) = broadcast_flat(a, t)
    if p == 2:
        from hebbian.theory.hopfield import solve_hopfield

        ags = solve_hopfield(af, tf, branch=branch, tol=tol, max_iter=max_iter)
        parts = (ags.m, ags.q, ags.f, ags.converged, ags.status)
        m, q, f, ok, status = (np.asarray(x).reshape(shape) for x in parts)
        return _solution(2, a, t, shape, branch, m, q, f, status)
    m, q, f = (np.full(af.size, np.nan) for _ in range(3))
    status = np.full(af.size, INVALID)
    hot, cold = tf > 0, tf == 0
    if branch == "paramagnet":
        m[hot], q[hot] = 0.0, 0.0
        beta = 1.0 / tf[hot]
        f[hot] = -af[hot] * beta / (2.0 * math.factorial(p)) - tf[hot] * np.log(2.0)
        status[hot] = CONVERGED
        status[cold] = 1  # absent
    else:
        spin_glass = branch == "spin_glass"
        idx = np.flatnonzero(hot)
        if idx.size:
            beta = 1.0 / tf[idx]
            x0 = np.ones((idx.size, 1 if spin_glass else 2))
            res = damped_newton(
                _residual(p, af[idx], beta, spin_glass=spin_glass),
                x0,
                lower=np.zeros(x0.shape[1]),
                tol=tol,
                max_iter=max_iter,
            )
            x = res.x
            mm = np.zeros(idx.size) if spin_glass else x[:, 0]
            qq = x[:, -1]
            found = (qq > 1e-6) if spin_glass else (mm > 1e-6)
            st = np.where((res.status == CONVERGED) & ~found, 1, res.status)
            good = st == CONVERGED
            m[idx[good]], q[idx[good]] = mm[good], qq[good]
            f[idx[good]] = _free_energy(p, af[idx[good]], beta[good], mm[good], qq[good])
            status[idx] = st
        cidx = np.flatnonzero(cold)
        if cidx.size:
            if spin_glass:
                m[cidx], q[cidx] = 0.0, 1.0
                f[cidx] = -np.sqrt(2.0 * af[cidx] / (np.pi * math.factorial(p - 1)))
                status[cidx] = CONVERGED
            else:
                zero = dense_zero_temperature_retrieval(p, af[cidx])
                ex = np.asarray(zero.exists)
                m[cidx] = np.where(ex, zero.m, np.nan)
                q[cidx] = np.where(ex, 1.0, np.nan)
                f[cidx] = zero.energy
                status[cidx] = np.where(ex, CONVERGED, 1)
    names = STATUS_NAMES[status]
    return _solution(p, a, t, shape, branch, m, q, f, names)


def _solution(p, a, t, shape, branch, m, q, f, status) -> DenseSolution:
    status = np.asarray(status).reshape(shape)
    ok = status == "converged"
    return DenseSolution(
        p=p,
        alpha=np.broadcast_to(a, shape),
        temperature=np.broadcast_to(t, shape),
        branch=branch,
        m=scalar_or_array(np.where(ok, np.reshape(m, shape), np.nan)),
        q=scalar_or_array(np.where(ok, np.reshape(q, shape), np.nan)),
        f=scalar_or_array(np.where(ok, np.reshape(f, shape), np.nan)),
        converged=scalar_or_array(ok),
        status=scalar_or_array(status),
    )


def _edge(p, alpha, t_in, t_out, n_bisect, max_iter):
    """Bisect between ``t_in`` (retrieval exists) and ``t_out`` (it does not); return ``t_in``."""
    for _ in range(n_bisect):
        mid = 0.5 * (t_in + t_out)
        exists = np.asarray(solve_dense(p, alpha, mid, max_iter=max_iter).converged)
        t_in = np.where(exists, mid, t_in)
        t_out = np.where(exists, t_out, mid)
    return t_in


def dense_retrieval_window(
    p: int,
    alpha: np.ndarray | float,
    *,
    n_scan: int = 100,
    n_bisect: int = 40,
    max_iter: int = 300,
) -> tuple[np.ndarray, np.ndarray]:
    """Find the temperatures ``T_low < T < T_M`` where the RS retrieval state exists, ``p >= 3``.

    Up to ``alpha_c(p)`` the window starts at ``T_low = 0``. Above it the retrieval state
    is *re-entrant*: it no longer exists at ``T = 0`` but does in a window of finite
    ``T``, because ``1 - q`` grows with ``T`` and the crosstalk variance
    ``alpha q^(p-1)/(p-1)!`` shrinks (at ``p = 3``, ``alpha = 0.14``:
    ``0.0520 < T < 0.2016``; none beyond about 0.155; ``docs/theory/dense.md``). The
    existence of the retrieval solution of :func:`solve_dense` is scanned on ``n_scan``
    temperatures in ``(0, 1)``
    (``T_M < 1`` for every ``p >= 3``), then both ends of the window are bisected. An
    iteration still running after ``max_iter`` steps counts as no solution: just outside
    a spinodal it crawls for ``~|T - T_M|^(-1/2)`` steps, inside Newton converges in a
    few, and on 40 steps the ends do not change (to 1e-8) when the cap goes from 100 to
    5000. A window narrower than the scan step (``1/n_scan``) is missed: near the
    largest load with a window, both ends come out ``nan``.

    Parameters
    ----------
    p : int
        ``3 <= p <= 20``.
    alpha : array_like
        Loads, in ``[0, MAX_LOAD = 1e3]``.
    n_scan, n_bisect, max_iter : int, optional
        Scan points, bisection steps per end, and the iteration cap of each test.

    Returns
    -------
    T_low, T_M : ndarray
        The ends (``nan`` where the retrieval state exists at no temperature).
    """
    p = check_count("p", p, minimum=3)
    if p > MAX_ORDER:
        raise ValueError(f"p must be an integer in [3, {MAX_ORDER}], got {p!r}")
    a = _check_load(alpha)
    flat = a.ravel()
    grid = (np.arange(n_scan) + 0.5) / n_scan
    exists = np.asarray(
        solve_dense(p, flat[:, None], grid[None, :], max_iter=max_iter).converged, dtype=bool
    ).reshape(flat.size, n_scan)
    at_zero = flat <= dense_critical_capacity(p).alpha_c
    found = exists.any(axis=1) | at_zero
    last = np.where(exists.any(axis=1), n_scan - 1 - np.argmax(exists[:, ::-1], axis=1), -1)
    first = np.where(exists.any(axis=1), np.argmax(exists, axis=1), n_scan)
    step = 1.0 / n_scan
    high_in = np.where(last >= 0, grid[np.maximum(last, 0)], 0.0)
    high_out = np.where(last >= 0, np.minimum(high_in + step, 1.0), step / 2)
    low_in = np.where(first < n_scan, grid[np.minimum(first, n_scan - 1)], 0.0)
    low_out = np.maximum(low_in - step, 0.0)
    T_high = _edge(p, flat, high_in, high_out, n_bisect, max_iter)
    T_low = np.where(
        at_zero, 0.0, _edge(p, flat, low_in, np.where(at_zero, 0.0, low_out), n_bisect, max_iter)
    )
    T_high = np.where(found, T_high, np.nan).reshape(a.shape)
    T_low = np.where(found, T_low, np.nan).reshape(a.shape)
    return scalar_or_array(T_low), scalar_or_array(T_high)


def dense_retrieval_temperature(
    p: int, alpha: np.ndarray | float, *, n_bisect: int = 40, max_iter: int = 300
) -> np.ndarray:
    """``T_M(alpha)``: the highest temperature at which the retrieval state exists.

    The upper end of :func:`dense_retrieval_window` (``nan`` where the state exists at no
    temperature); it extends beyond ``alpha_c(p)``, where the window no longer reaches
    ``T = 0``. ``p = 2`` is
    :func:`hebbian.theory.hopfield_lines.retrieval_spinodal_temperature` (AGS 1987).

    Parameters
    ----------
    p : int
        ``2 <= p <= 20``.
    alpha : array_like
        Loads, in ``[0, MAX_LOAD = 1e3]``.
    n_bisect : int, optional
        Bisection steps.
    max_iter : int, optional
        Iteration cap of each existence test.

    Returns
    -------
    ndarray
    """
    p = _check_order(p)
    a = _check_load(alpha)
    if p == 2:
        from hebbian.theory.hopfield_lines import retrieval_spinodal_temperature

        return retrieval_spinodal_temperature(a)
    return dense_retrieval_window(p, a, n_bisect=n_bisect, max_iter=max_iter)[1]
