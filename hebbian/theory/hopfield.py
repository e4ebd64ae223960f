r"""Replica-symmetric (RS) theory of the Hopfield model (Amit-Gutfreund-Sompolinsky).

Contract
--------
Pure functions of the load ``alpha = p / N`` and the temperature ``T = 1 / beta``,
vectorised with NumPy broadcasting: every argument may be an array, results have the
broadcast shape (0-d inputs give NumPy scalars). Nothing is cached, nothing is random.
A quantity that does not exist at a point (a branch that is absent, a line that is not
defined at that load) is ``nan`` there, and solvers carry a ``converged`` flag: a
failure is reported, never replaced by a silently wrong number.

Model and normalisation
-----------------------
Zero-diagonal Hebbian couplings with ``p`` i.i.d. unbiased +-1 patterns,

.. math::

    H(\sigma) = -\frac{1}{2N}\sum_{i\neq j}\sum_{\mu=1}^{p}\xi_i^\mu\xi_j^\mu
    \sigma_i\sigma_j = -\frac{N}{2}\sum_\mu m_\mu^2 + \frac{p}{2},

so all energies and free energies per spin contain the constant ``+alpha/2`` (keeping
the diagonal would shift them by ``-alpha/2``). RS saddle point with one condensed
pattern (AGS, Ann. Phys. 173, 30 (1987); Amit, *Modeling Brain Function* (1989);
Coolen, Kuhn and Sollich (2005)), with ``h = m + sqrt(alpha r) z`` and
``Dz`` the standard normal measure (:mod:`hebbian.theory._gauss`):

.. math::

    m = \langle\tanh\beta h\rangle_z,\qquad
    q = \langle\tanh^2\beta h\rangle_z,\qquad
    r = \frac{q}{(1-\beta(1-q))^2},

    f = \frac{\alpha}{2} + \frac{m^2}{2}
        + \frac{\alpha}{2\beta}\Bigl[\ln(1-\beta(1-q)) - \frac{\beta q}{1-\beta(1-q)}\Bigr]
        + \frac{\alpha\beta r}{2}(1-q) - \frac{1}{\beta}\langle\ln 2\cosh\beta h\rangle_z .

Branches: retrieval (``m > 0``), spin glass (``m = 0``, ``q > 0``), paramagnet
(``m = q = 0``; its RS free energy needs ``1 - beta > 0``, i.e. ``T > 1``, unless
``alpha = 0``). The RS expressions need ``1 - beta(1 - q) > 0``.

Numerics
--------
Gaussian averages use the kink-adapted rule of :mod:`hebbian.theory._gauss`
(absolute error ~1e-15 down to ``T / sqrt(alpha r) ~ 1e-9``), so the finite-``T``
equations are used for every ``T > 0``; ``T = 0`` uses the closed forms below.
Internally the unknowns are ``(m, s)`` with ``s = sqrt(alpha r)`` and the map
``s <- sqrt(alpha q) + s C``, ``C = beta <sech^2 beta h>`` (its fixed points are the
RS equations). Iterating ``q`` directly diverges at low ``T`` for the spin glass
(``C = beta(1-q)`` overshoots the domain ``C < 1``); this form stays a contraction and
never divides by ``1 - C``. ``sech^2`` is computed directly, so ``1 - q`` keeps its
relative precision at low ``T``. The solver iterates the whole grid at once: damped
fixed-point steps (damping 0.5), and per point Newton steps on ``(m, s)`` (analytic
2x2 Jacobian) once the residual is below 0.1, provided ``det(I - J) > 0`` (the
map contracts along its slow direction), the step is below 0.3 and the residual at
least halves; otherwise the damped step is taken (and Newton paused for 25
iterations). Near a spinodal this removes the critical slowing down without letting
Newton jump back into the ghost of a vanished solution.

References
----------
D. J. Amit, H. Gutfreund, H. Sompolinsky, Phys. Rev. A 32, 1007 (1985);
Phys. Rev. Lett. 55, 1530 (1985); Ann. Phys. 173, 30 (1987).
D. J. Amit, *Modeling Brain Function* (Cambridge, 1989).
A. C. C. Coolen, R. Kuhn, P. Sollich, *Theory of Neural Information Processing
Systems* (Oxford, 2005).
J. R. L. de Almeida and D. J. Thouless, J. Phys. A 11, 983 (1978).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import brentq
from scipy.special import erf

from hebbian.theory._gauss import _kink_node_counts, _kink_nodes_weights

__all__ = [
    "PhaseLines",
    "RSSolution",
    "ZeroTemperatureRetrieval",
    "almeida_thouless_lhs",
    "almeida_thouless_temperature",
    "critical_capacity",
    "freezing_temperature",
    "phase_lines",
    "retrieval_spinodal_temperature",
    "retrieval_transition_temperature",
    "retrieval_transition_window",
    "rs_free_energy",
    "solve_rs",
    "spin_glass_energy_zero_temperature",
    "zero_temperature_retrieval",
    "zero_temperature_transition_load",
]

Branch = Literal["retrieval", "spin_glass", "paramagnet"]
_BRANCHES = ("retrieval", "spin_glass", "paramagnet")

#: A retrieval solution needs m above this (else it collapsed onto the m = 0 branch).
M_FLOOR = 1e-9
#: A spin-glass solution needs q above this (else it collapsed onto the paramagnet).
Q_FLOOR = 1e-9
#: Residual below which the damped iteration hands a point over to Newton's method.
_NEWTON_SWITCH = 0.1
#: Largest Newton step accepted (in m and in s = sqrt(alpha r)).
_TRUST = 0.3

_STATUS = np.array(["converged", "absent", "not_converged", "invalid"])
_OK, _ABSENT, _NOT_CONVERGED, _INVALID = range(4)
_SQRT_PI = np.sqrt(np.pi)


# ---------------------------------------------------------------------------------------
# validation helpers


def _as_float_array(value: object, name: str, *, allow_zero: bool = True) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    bad = ~(arr >= 0) if allow_zero else ~(arr > 0)
    bad |= ~np.isfinite(arr)
    if np.any(bad):
        first = arr[bad].flat[0]
        allowed = "[0, inf)" if allow_zero else "(0, inf)"
        raise ValueError(f"{name} must be finite and in {allowed}, got {first!r}")
    return arr


def _scalar_or_array(arr: np.ndarray) -> np.ndarray:
    return arr[()] if arr.ndim == 0 else arr


# ---------------------------------------------------------------------------------------
# Gaussian averages of the RS integrands


@dataclass
class _Averages:
    """Averages over ``z`` of functions of ``x = beta (m + s z)`` (one entry per point)."""

    t: np.ndarray  # <tanh x>
    tt: np.ndarray  # <tanh^2 x>
    u: np.ndarray  # <sech^2 x>
    tu: np.ndarray  # <tanh x sech^2 x>
    zu: np.ndarray  # <z sech^2 x>
    ztu: np.ndarray  # <z tanh x sech^2 x>


def _field_rule_groups(m: np.ndarray, s: np.ndarray, beta: np.ndarray):
    """Yield ``(index, z, w, x)`` with ``x = beta (m + s z)`` on the kink rule of each point.

    Points are grouped by the number of nodes they need (up to four groups of similar
    size), so that high-temperature points do not pay for the node count of the
    low-temperature ones.
    """
    pos = s > 0
    s_safe = np.where(pos, s, 1.0)
    center = np.where(pos, -m / s_safe, -np.inf)
    scale = np.where(pos, 1.0 / (beta * s_safe), np.inf)
    n = m.size
    n_groups = int(min(4, max(1, n // 256)))
    if n_groups == 1:
        groups = [np.arange(n)]
    else:
        order = np.argsort(_kink_node_counts(center, scale), kind="stable")
        groups = np.array_split(order, n_groups)
    for g in groups:
        z, w = _kink_nodes_weights(center[g], scale[g])
        x = beta[g, None] * (m[g, None] + s[g, None] * z)
        yield g, z, w, x


def _averages(m: np.ndarray, s: np.ndarray, beta: np.ndarray) -> _Averages:
    out = np.empty((6, m.size))
    for g, z, w, x in _field_rule_groups(m, s, beta):
        e = np.exp(-2.0 * np.abs(x))
        inv = 1.0 / (1.0 + e)
        t = np.copysign((1.0 - e) * inv, x)  # tanh x
        wu = (4.0 * w) * e * inv * inv  # w sech^2 x, without cancellation
        wt = w * t
        wtu = wu * t
        out[0, g] = np.sum(wt, axis=1)
        out[1, g] = np.sum(wt * t, axis=1)
        out[2, g] = np.sum(wu, axis=1)
        out[3, g] = np.sum(wtu, axis=1)
        out[4, g] = np.sum(wu * z, axis=1)
        out[5, g] = np.sum(wtu * z, axis=1)
    return _Averages(*out)


def _log2cosh(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax))


def _mean_log2cosh_over_beta(m: np.ndarray, s: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """``(1/beta) <ln 2cosh beta (m + s z)>_z`` for each point."""
    out = np.empty(m.size)
    for g, _, w, x in _field_rule_groups(m, s, beta):
        out[g] = np.sum(w * _log2cosh(x), axis=1) / beta[g]
    return out


def _map_and_jacobian(
    alpha: np.ndarray, beta: np.ndarray, m: np.ndarray, s: np.ndarray, *, spin_glass: bool
) -> tuple[np.ndarray, ...]:
    r"""Fixed-point map in the variables ``(m, s = sqrt(alpha r))`` and its Jacobian.

    .. math::

        G_m = \langle\tanh\beta h\rangle,\qquad
        G_s = \sqrt{\alpha q} + s\,C,\qquad q = \langle\tanh^2\beta h\rangle,\quad
        C = \beta\langle\mathrm{sech}^2\beta h\rangle = \beta(1-q),

    whose fixed points are the RS equations (``s (1 - C) = sqrt(alpha q)`` is
    ``r = q / (1 - beta(1-q))^2``). Unlike iterating ``q`` directly this map stays a
    contraction at low ``T`` (``s C -> const``) and never divides by ``1 - C``.
    Returns ``gm, gs, j11, j12, j21, j22, q, C``.
    """
    av = _averages(m, s, beta)
    # q = <tanh^2> = 1 - <sech^2>: take the form without cancellation, so that both q
    # (near T_g, q -> 0) and 1 - q (at low T) keep their relative precision
    q = np.where(av.u > 0.5, av.tt, 1.0 - av.u)
    c = beta * av.u
    sq = np.sqrt(alpha * q)
    with np.errstate(divide="ignore", invalid="ignore"):
        dsq = np.where(sq > 0, alpha / (2.0 * np.where(sq > 0, sq, 1.0)), 0.0)  # d sqrt(aq)/dq
    dq_dm, dq_ds = 2.0 * beta * av.tu, 2.0 * beta * av.ztu
    dc_dm, dc_ds = -2.0 * beta**2 * av.tu, -2.0 * beta**2 * av.ztu
    gs = sq + s * c
    j21 = dsq * dq_dm + s * dc_dm
    j22 = dsq * dq_ds + c + s * dc_ds
    if spin_glass:
        zero = np.zeros_like(gs)
        return zero, gs, zero, zero, zero, j22, q, c
    return av.t, gs, beta * av.u, beta * av.zu, j21, j22, q, c


# ---------------------------------------------------------------------------------------
# the vectorised solver


def _solve_core(
    alpha: np.ndarray,
    beta: np.ndarray,
    m0: np.ndarray,
    s0: np.ndarray,
    *,
    spin_glass: bool,
    tol: float,
    max_iter: int,
    damping: float,
) -> tuple[np.ndarray, ...]:
    """Solve the RS equations in ``(m, s)`` for flat arrays of points with ``T > 0``.

    Returns ``m, s, q, C, status, residual, n_iter, det`` where ``det = det(I - J)``
    at the solution (positive on the branch reached by the damped iteration, negative
    on the unstable middle retrieval solution).
    """
    n = alpha.size
    m = np.zeros(n) if spin_glass else m0.astype(float).copy()
    s = s0.astype(float).copy()
    q = np.full(n, np.nan)
    c = np.full(n, np.nan)
    status = np.full(n, _NOT_CONVERGED)
    residual = np.full(n, np.inf)
    n_iter = np.zeros(n, dtype=int)
    det = np.full(n, np.nan)
    # per-point Newton bookkeeping: the point, map values and residual before the step
    prev_m, prev_s = m.copy(), s.copy()
    prev_fm, prev_fs = np.zeros(n), np.zeros(n)
    prev_res = np.full(n, np.inf)
    last_newton = np.zeros(n, dtype=bool)
    cooldown = np.zeros(n, dtype=int)
    active = np.arange(n)

    for it in range(1, max_iter + 1):
        if active.size == 0:
            break
        a, b = alpha[active], beta[active]
        mm, ss = m[active], s[active]
        gm, gs, j11, j12, j21, j22, qq, cc = _map_and_jacobian(a, b, mm, ss, spin_glass=spin_glass)
        fm, fs = gm - mm, gs - ss
        res = np.maximum(np.abs(fm), np.abs(fs))
        res = np.where(np.isfinite(res), res, np.inf)
        n_iter[active] = it

        # a Newton step must at least halve the residual; otherwise undo it, take a
        # damped step from the previous point and stop trying Newton for a while
        bad = last_newton[active] & ~(res <= 0.5 * prev_res[active]) & ~(res < tol)
        if np.any(bad):
            mm = np.where(bad, prev_m[active], mm)
            ss = np.where(bad, prev_s[active], ss)
            fm = np.where(bad, prev_fm[active], fm)
            fs = np.where(bad, prev_fs[active], fs)
            res = np.where(bad, prev_res[active], res)
            cooldown[active[bad]] = 25
        d11, d22 = 1.0 - j11, 1.0 - j22
        det_a = d11 * d22 - j12 * j21
        residual[active] = res

        done = (res < tol) & ~bad
        invalid = ~np.isfinite(res) & ~done
        idx_done = active[done]
        status[idx_done] = _OK
        status[active[invalid]] = _INVALID
        m[idx_done], s[idx_done] = mm[done], ss[done]
        q[idx_done], c[idx_done], det[idx_done] = qq[done], cc[done], det_a[done]

        # damped fixed-point step (s stays >= 0)
        new_m = mm + damping * fm
        new_s = np.maximum(ss + damping * fs, 0.0)
        # Newton step where the residual is small, Newton has not failed recently, and the
        # map is locally contracting along the critical direction (det(I - J) > 0): past
        # the ghost of a vanished saddle-node (det < 0) Newton would jump back to the
        # ghost instead of letting the iteration collapse onto the other branch
        try_newton = (res < _NEWTON_SWITCH) & (cooldown[active] == 0) & ~bad & (det_a > 0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            nm = mm + (d22 * fm + j12 * fs) / det_a
            ns = ss + (j21 * fm + d11 * fs) / det_a
        if spin_glass:
            nm = mm
        ok = (
            try_newton
            & np.isfinite(nm)
            & np.isfinite(ns)
            & (np.abs(nm - mm) <= _TRUST)
            & (np.abs(ns - ss) <= _TRUST)
            & (ns >= 0.0)
        )
        new_m = np.where(ok, nm, new_m)
        new_s = np.where(ok, ns, new_s)

        prev_m[active], prev_s[active] = mm, ss
        prev_fm[active], prev_fs[active], prev_res[active] = fm, fs, res
        last_newton[active] = ok
        cooldown[active] = np.maximum(cooldown[active] - 1, 0)

        keep = ~(done | invalid)
        m[active[keep]] = new_m[keep]
        s[active[keep]] = new_s[keep]
        active = active[keep]

    return m, s, q, c, status, residual, n_iter, det


# ---------------------------------------------------------------------------------------
# public: solution object and solver


@dataclass(frozen=True)
class RSSolution:
    """Replica-symmetric solution of the Hopfield model on a grid of ``(alpha, T)``.

    All array attributes have the broadcast shape of ``(alpha, temperature)``.

    Attributes
    ----------
    alpha, temperature : ndarray
        The control parameters (broadcast).
    branch : {"retrieval", "spin_glass", "paramagnet"}
        Which RS branch was requested.
    m, q, r : ndarray
        Mattis overlap with the condensed pattern, Edwards-Anderson order parameter and
        the noise parameter ``r = q / (1 - beta(1-q))^2``; ``nan`` where
        ``converged`` is False.
    f : ndarray
        Free energy per spin (zero-diagonal convention, includes ``+alpha/2``);
        the ground-state energy per spin at ``T = 0``.
    converged : ndarray of bool
        True where a solution of the requested branch was found to ``tol``.
    status : ndarray of str
        ``"converged"``; ``"absent"`` (the iteration settled on another branch: the
        requested one does not exist there, e.g. retrieval above the spinodal, spin
        glass above ``T_g``); ``"not_converged"`` (``max_iter`` reached, e.g. within
        ~1e-6 of a spinodal); ``"invalid"`` (left the domain ``1 - beta(1-q) > 0``).
    residual : ndarray
        ``max(|m - <tanh beta h>|, |s - sqrt(alpha q) - s C|)`` at the returned point,
        with ``s = sqrt(alpha r)``: the ``m`` and ``r`` equations in the solver's
        variables (``q = <tanh^2 beta h>`` holds by construction); ``0`` for closed
        forms. The default ``tol = 1e-12`` bounds it where ``converged``.
    n_iter : ndarray of int
        Iterations used (0 for closed forms).
    """

    alpha: np.ndarray
    temperature: np.ndarray
    branch: str
    m: np.ndarray
    q: np.ndarray
    r: np.ndarray
    f: np.ndarray
    converged: np.ndarray
    status: np.ndarray
    residual: np.ndarray
    n_iter: np.ndarray


def rs_free_energy(
    alpha: np.ndarray | float,
    temperature: np.ndarray | float,
    m: np.ndarray | float,
    q: np.ndarray | float,
    r: np.ndarray | float,
) -> np.ndarray:
    r"""RS free energy per spin ``f(m, q, r)`` with ``m, q, r`` treated as independent.

    .. math::

        f = \frac{\alpha}{2} + \frac{m^2}{2}
            + \frac{\alpha}{2\beta}\Bigl[\ln(1-\beta(1-q)) - \frac{\beta q}{1-\beta(1-q)}\Bigr]
            + \frac{\alpha\beta r}{2}(1-q)
            - \frac{1}{\beta}\langle\ln 2\cosh\beta(m + \sqrt{\alpha r}\,z)\rangle_z

    (AGS, Ann. Phys. 173, 30 (1987), zero-diagonal convention). Its stationary points
    in ``(m, q, r)`` are the RS equations; use it to check stationarity.

    Parameters
    ----------
    alpha : array_like
        Load ``p / N >= 0``.
    temperature : array_like
        ``T > 0``.
    m, q, r : array_like
        Order parameters; ``1 - beta(1 - q) > 0`` is required where ``alpha > 0``
        (``nan`` is returned otherwise) and ``r >= 0``.

    Returns
    -------
    ndarray
        ``f`` with the broadcast shape of the inputs.

    Raises
    ------
    ValueError
        If ``alpha < 0``, ``temperature <= 0`` or ``r < 0``.
    """
    alpha = _as_float_array(alpha, "alpha")
    temperature = _as_float_array(temperature, "temperature", allow_zero=False)
    r = _as_float_array(r, "r")
    m = np.asarray(m, dtype=float)
    q = np.asarray(q, dtype=float)
    alpha, temperature, m, q, r = np.broadcast_arrays(alpha, temperature, m, q, r)
    shape = alpha.shape
    a, tt, mm, qq, rr = (v.ravel() for v in (alpha, temperature, m, q, r))
    beta = 1.0 / tt
    d = 1.0 - beta * (1.0 - qq)
    with np.errstate(divide="ignore", invalid="ignore"):
        noise = np.where(
            a > 0,
            (a * tt / 2.0) * (np.log(d) - beta * qq / d) + (a * beta * rr / 2.0) * (1 - qq),
            0.0,
        )
    s = np.sqrt(a * rr)
    f = a / 2.0 + mm**2 / 2.0 + noise - _mean_log2cosh_over_beta(mm, s, beta)
    return _scalar_or_array(f.reshape(shape))


def _free_energy_at_solution(
    alpha: np.ndarray, beta: np.ndarray, m: np.ndarray, s: np.ndarray, q: np.ndarray, c: np.ndarray
) -> np.ndarray:
    """RS free energy at a solution given ``(m, s, q, C)`` (flat arrays, ``T > 0``).

    Uses ``(alpha beta r / 2)(1 - q) = s^2 C / 2``, which also holds at ``alpha = 0``.
    """
    d = 1.0 - c
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where(alpha > 0, (alpha / (2.0 * beta)) * (np.log(d) - beta * q / d), 0.0)
    return (
        alpha / 2.0 + m**2 / 2.0 + log_term + s**2 * c / 2.0 - _mean_log2cosh_over_beta(m, s, beta)
    )


def _default_start(alpha: np.ndarray, *, spin_glass: bool) -> tuple[np.ndarray, np.ndarray]:
    """Return the default start: ``m = q = 1`` (retrieval) or the ``T = 0`` spin glass."""
    if spin_glass:
        return np.zeros_like(alpha), np.sqrt(alpha) + np.sqrt(2.0 / np.pi)
    return np.ones_like(alpha), np.sqrt(alpha)


def _starting_point(
    alpha: np.ndarray,
    beta: np.ndarray,
    m0: object,
    q0: object,
    shape: tuple[int, ...],
    index: np.ndarray,
    *,
    spin_glass: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the starting ``(m, s)`` for the points ``index`` of the flattened grid."""
    m_start, s_start = _default_start(alpha, spin_glass=spin_glass)
    if m0 is not None:
        m_start = np.broadcast_to(np.asarray(m0, dtype=float), shape).ravel()[index].copy()
    if q0 is not None:
        qs = np.broadcast_to(np.asarray(q0, dtype=float), shape).ravel()[index]
        d = 1.0 - beta * (1.0 - qs)
        with np.errstate(divide="ignore", invalid="ignore"):
            s_from_q = np.sqrt(alpha * np.clip(qs, 0.0, 1.0)) / d
        s_start = np.where((d > 0) & np.isfinite(s_from_q), s_from_q, s_start)
    return m_start, s_start


def _classify(
    status: np.ndarray,
    alpha: np.ndarray,
    m: np.ndarray,
    q: np.ndarray,
    c: np.ndarray,
    det: np.ndarray,
    *,
    spin_glass: bool,
) -> np.ndarray:
    """Mark converged points outside the RS domain ``invalid``, off-branch ones ``absent``.

    The domain is ``C = beta (1 - q) < 1`` (guard of the ``ln(1 - beta(1-q))`` term);
    it only matters where ``alpha > 0``.
    """
    status = np.where((status == _OK) & (alpha > 0) & ~(c < 1.0), _INVALID, status)
    if spin_glass:
        # q ~ 0: collapsed onto the paramagnet (above T_g)
        absent = q <= Q_FLOOR
    else:
        # m ~ 0: collapsed onto the spin glass or paramagnet; det <= 0: the unstable
        # middle solution, not the retrieval branch
        absent = (m <= M_FLOOR) | ~(det > 0)
    return np.where((status == _OK) & absent, _ABSENT, status)


def solve_rs(
    alpha: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    branch: Branch = "retrieval",
    m0: np.ndarray | float | None = None,
    q0: np.ndarray | float | None = None,
    tol: float = 1e-12,
    max_iter: int = 20_000,
    damping: float = 0.5,
) -> RSSolution:
    r"""Solve the AGS replica-symmetric equations on a grid of ``(alpha, T)``.

    .. math::

        m = \langle\tanh\beta h\rangle_z,\quad q = \langle\tanh^2\beta h\rangle_z,\quad
        r = \frac{q}{(1-\beta(1-q))^2},\qquad h = m + \sqrt{\alpha r}\,z

    (AGS, Ann. Phys. 173, 30 (1987), Eqs. for one condensed pattern; zero-diagonal
    convention). All points are iterated at once: damped fixed-point iteration
    (``x <- x + damping (G(x) - x)``), then safeguarded Newton steps on
    ``(m, sqrt(alpha r))`` once the residual is below 0.1 (see the module docstring).
    ``T = 0`` uses the closed forms of :func:`zero_temperature_retrieval` and
    :func:`spin_glass_energy_zero_temperature`.

    Parameters
    ----------
    alpha : array_like
        Load ``p / N``, ``>= 0``.
    temperature : array_like
        ``T >= 0``; broadcast against ``alpha``.
    branch : {"retrieval", "spin_glass", "paramagnet"}, optional
        ``"retrieval"`` starts from ``m = q = 1`` (the iteration then reaches the
        largest-``m`` solution); a result with ``m <= 1e-9`` is reported as absent.
        ``"spin_glass"`` fixes ``m = 0`` and starts from ``q = 1``; ``q <= 1e-9``
        counts as absent (above ``T_g``). ``"paramagnet"`` is the closed form
        ``m = q = r = 0``, ``f = alpha/2 + (alpha T/2) ln(1 - 1/T) - T ln 2``,
        defined for ``T > 1`` (any ``T`` when ``alpha = 0``).
    m0, q0 : array_like, optional
        Starting point (warm start), broadcast against the grid. For the retrieval
        branch it should lie above the solution (e.g. the solution at a slightly
        lower ``T``); a start far below it may fall into the spin-glass basin.
    tol : float, optional
        Convergence threshold on ``max(|m - <tanh>|, |q - <tanh^2>|)``.
    max_iter : int, optional
        Iteration cap per point.
    damping : float, optional
        Weight of the new iterate in the damped step, in ``(0, 1]``.

    Returns
    -------
    RSSolution
        Order parameters, free energy, ``converged`` and ``status`` per point;
        ``m, q, r, f`` are ``nan`` where ``converged`` is False.

    Raises
    ------
    ValueError
        If ``alpha < 0``, ``temperature < 0``, ``branch`` is unknown, or an option
        is out of range.

    Examples
    --------
    >>> sol = solve_rs(0.05, 0.3)
    >>> bool(sol.converged), round(float(sol.m), 4)
    (True, 0.9912)
    """
    alpha = _as_float_array(alpha, "alpha")
    temperature = _as_float_array(temperature, "temperature")
    if branch not in _BRANCHES:
        raise ValueError(f"branch must be one of {_BRANCHES}, got {branch!r}")
    if not 0.0 < damping <= 1.0:
        raise ValueError(f"damping must be in (0, 1], got {damping!r}")
    if not tol > 0:
        raise ValueError(f"tol must be > 0, got {tol!r}")
    if int(max_iter) != max_iter or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    alpha, temperature = np.broadcast_arrays(alpha, temperature)
    shape = alpha.shape
    a = alpha.ravel().astype(float)
    tt = temperature.ravel().astype(float)
    n = a.size
    m = np.full(n, np.nan)
    q = np.full(n, np.nan)
    r = np.full(n, np.nan)
    f = np.full(n, np.nan)
    status = np.full(n, _ABSENT)
    residual = np.zeros(n)
    n_iter = np.zeros(n, dtype=int)

    zero_t = tt == 0.0
    if branch == "paramagnet":
        ok = (tt > 1.0) | (a == 0.0)
        m[ok], q[ok], r[ok] = 0.0, 0.0, 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            f_para = np.where(a > 0, a / 2.0 + (a * tt / 2.0) * np.log1p(-1.0 / tt), 0.0)
        f[ok] = f_para[ok] - tt[ok] * np.log(2.0)
        status[ok] = _OK
    else:
        spin_glass = branch == "spin_glass"
        if np.any(zero_t):
            idx = np.flatnonzero(zero_t)
            if spin_glass:
                az = a[idx]
                pos = az > 0
                c_sg = np.sqrt(2.0 / np.pi) / (np.sqrt(az) + np.sqrt(2.0 / np.pi))
                m[idx[pos]] = 0.0
                q[idx[pos]] = 1.0
                r[idx[pos]] = 1.0 / (1.0 - c_sg[pos]) ** 2
                f[idx[pos]] = spin_glass_energy_zero_temperature(az[pos])
                status[idx[pos]] = _OK
            else:
                zt = zero_temperature_retrieval(a[idx])
                ex = np.asarray(zt.exists)
                m[idx[ex]] = np.asarray(zt.m)[ex]
                q[idx[ex]] = 1.0
                r[idx[ex]] = np.asarray(zt.r)[ex]
                f[idx[ex]] = np.asarray(zt.energy)[ex]
                status[idx[ex]] = _OK
        fin = np.flatnonzero(~zero_t)
        if spin_glass:
            fin_run = fin[a[fin] > 0]  # at alpha = 0 the spin glass does not exist
        else:
            fin_run = fin
        if fin_run.size:
            af = a[fin_run]
            beta = 1.0 / tt[fin_run]
            mi, si = _starting_point(af, beta, m0, q0, shape, fin_run, spin_glass=spin_glass)
            mf, sf, qf, cf, st, res, nit, det = _solve_core(
                af,
                beta,
                mi,
                si,
                spin_glass=spin_glass,
                tol=tol,
                max_iter=int(max_iter),
                damping=damping,
            )
            st = _classify(st, af, mf, qf, cf, det, spin_glass=spin_glass)
            good = st == _OK
            m[fin_run] = np.where(good, mf, np.nan)
            q[fin_run] = np.where(good, qf, np.nan)
            with np.errstate(divide="ignore", invalid="ignore"):
                r[fin_run] = np.where(good, qf / (1.0 - cf) ** 2, np.nan)
            ff = np.full(fin_run.size, np.nan)
            if np.any(good):
                ff[good] = _free_energy_at_solution(
                    af[good], beta[good], mf[good], sf[good], qf[good], cf[good]
                )
            f[fin_run] = ff
            status[fin_run] = st
            residual[fin_run] = res
            n_iter[fin_run] = nit

    converged = status == _OK

    def out(v: np.ndarray) -> np.ndarray:
        return _scalar_or_array(v.reshape(shape))

    return RSSolution(
        alpha=_scalar_or_array(alpha.copy()),
        temperature=_scalar_or_array(temperature.copy()),
        branch=branch,
        m=out(m),
        q=out(q),
        r=out(r),
        f=out(f),
        converged=out(converged),
        status=out(_STATUS[status]),
        residual=out(residual),
        n_iter=out(n_iter),
    )


# ---------------------------------------------------------------------------------------
# T = 0 closed forms


@dataclass(frozen=True)
class ZeroTemperatureRetrieval:
    """Zero-temperature RS retrieval state (AGS 1987 T -> 0 limit).

    Attributes
    ----------
    alpha : ndarray
        Load.
    y : ndarray
        ``m / sqrt(2 alpha r)``, the largest root of
        ``y [sqrt(2 alpha) + (2/sqrt(pi)) exp(-y^2)] = erf(y)`` (``inf`` at ``alpha = 0``).
    m : ndarray
        Overlap ``erf(y)``.
    C : ndarray
        ``lim beta (1 - q) = sqrt(2 / (pi alpha r)) exp(-y^2)``.
    r : ndarray
        ``1 / (1 - C)^2``.
    energy : ndarray
        ``E_R = -m^2/2 - (alpha/2) C (2 - C) / (1 - C)^2`` (zero-diagonal convention).
    exists : ndarray of bool
        False for ``alpha > alpha_c``; the other fields are ``nan`` there.
    """

    alpha: np.ndarray
    y: np.ndarray
    m: np.ndarray
    C: np.ndarray
    r: np.ndarray
    energy: np.ndarray
    exists: np.ndarray


def _phi(y: np.ndarray) -> np.ndarray:
    """``erf(y)/y - (2/sqrt(pi)) exp(-y^2)``; the T = 0 equation is ``phi(y) = sqrt(2 alpha)``."""
    return erf(y) / y - (2.0 / _SQRT_PI) * np.exp(-y * y)


def _phi_prime(y: float) -> float:
    e = np.exp(-y * y)
    return (2.0 / _SQRT_PI) * e / y - erf(y) / y**2 + (4.0 / _SQRT_PI) * y * e


_Y_CRITICAL = brentq(_phi_prime, 0.5, 3.0, xtol=1e-15, rtol=1e-15)
_ALPHA_CRITICAL = float(_phi(np.float64(_Y_CRITICAL)) ** 2 / 2.0)


def zero_temperature_retrieval(alpha: np.ndarray | float) -> ZeroTemperatureRetrieval:
    r"""Closed-form ``T = 0`` RS retrieval state of the Hopfield model.

    With ``C = lim beta(1-q)`` and ``y = m / sqrt(2 alpha r)``, the ``T -> 0`` limit of
    the AGS equations (AGS, Ann. Phys. 173, 30 (1987); Amit 1989, ch. 6) reads

    .. math::

        m = \operatorname{erf}(y),\quad C = \sqrt{\tfrac{2}{\pi\alpha r}}\,e^{-y^2},\quad
        r = \frac{1}{(1-C)^2}
        \;\Longrightarrow\;
        y\Bigl[\sqrt{2\alpha} + \tfrac{2}{\sqrt\pi}e^{-y^2}\Bigr] = \operatorname{erf}(y),

        E_R = -\frac{m^2}{2} - \frac{\alpha}{2}\frac{C(2-C)}{(1-C)^2}
        \quad\text{(zero-diagonal convention, includes } +\alpha/2\text{)}.

    The retrieval root is the largest ``y``; it exists for ``alpha <= alpha_c``.

    Parameters
    ----------
    alpha : array_like
        Load, ``>= 0``.

    Returns
    -------
    ZeroTemperatureRetrieval
        Fields with the shape of ``alpha``; ``nan`` (and ``exists = False``) above
        ``alpha_c = 0.1379055``.

    Raises
    ------
    ValueError
        If ``alpha < 0``.
    """
    alpha = _as_float_array(alpha, "alpha")
    a = alpha.ravel()
    n = a.size
    y = np.full(n, np.nan)
    exists = a <= _ALPHA_CRITICAL
    zero = a == 0.0
    y[zero] = np.inf
    idx = np.flatnonzero(exists & ~zero)
    if idx.size:
        target = np.sqrt(2.0 * a[idx])
        lo = np.full(idx.size, _Y_CRITICAL)
        hi = 2.0 / target + 2.0  # phi(y) < 1/y there
        for _ in range(200):  # bisection on the decreasing branch of phi
            mid = 0.5 * (lo + hi)
            above = _phi(mid) > target
            lo = np.where(above, mid, lo)
            hi = np.where(above, hi, mid)
            if np.all(hi - lo <= 4e-16 * hi):
                break
        y[idx] = 0.5 * (lo + hi)
    with np.errstate(invalid="ignore", over="ignore"):
        m = np.where(zero, 1.0, erf(y))
        c = np.where(zero, 0.0, (2.0 / _SQRT_PI) * y * np.exp(-y * y) / m)
        r = 1.0 / (1.0 - c) ** 2
        energy = -(m**2) / 2.0 - (a / 2.0) * c * (2.0 - c) / (1.0 - c) ** 2
    shape = alpha.shape
    return ZeroTemperatureRetrieval(
        alpha=_scalar_or_array(alpha.copy()),
        y=_scalar_or_array(y.reshape(shape)),
        m=_scalar_or_array(m.reshape(shape)),
        C=_scalar_or_array(c.reshape(shape)),
        r=_scalar_or_array(r.reshape(shape)),
        energy=_scalar_or_array(energy.reshape(shape)),
        exists=_scalar_or_array(exists.reshape(shape)),
    )


def spin_glass_energy_zero_temperature(alpha: np.ndarray | float) -> np.ndarray:
    r"""Ground-state energy per spin of the RS spin-glass state (``m = 0``).

    .. math::

        E_{SG} = -\frac{1}{\pi} - \sqrt{\frac{2\alpha}{\pi}}

    The ``y = 0`` case of :func:`zero_temperature_retrieval`
    (``C = sqrt(2/pi) / (sqrt(alpha) + sqrt(2/pi))``), zero-diagonal convention
    (AGS, Ann. Phys. 173, 30 (1987)). Defined for ``alpha > 0``; ``nan`` at 0 where
    the spin-glass state does not exist.

    Parameters
    ----------
    alpha : array_like
        Load, ``>= 0``.

    Returns
    -------
    ndarray
        ``E_SG`` with the shape of ``alpha``.

    Raises
    ------
    ValueError
        If ``alpha < 0``.
    """
    alpha = _as_float_array(alpha, "alpha")
    e = np.where(alpha > 0, -1.0 / np.pi - np.sqrt(2.0 * alpha / np.pi), np.nan)
    return _scalar_or_array(e)


def critical_capacity() -> ZeroTemperatureRetrieval:
    """RS storage capacity ``alpha_c`` of the Hopfield model at ``T = 0``.

    ``alpha_c = max_y phi(y)^2 / 2`` with ``phi(y) = erf(y)/y - (2/sqrt(pi)) e^{-y^2}``,
    the load at which the retrieval root of :func:`zero_temperature_retrieval` merges
    with the unstable one (AGS, PRL 55, 1530 (1985); Ann. Phys. 173, 30 (1987)).
    Gives ``alpha_c = 0.1379055``, ``m = 0.967418``, ``y = 1.51122``, ``C = 0.17962``,
    ``r = 1.4858`` and ``E_R = -0.50145`` (published RS value 0.137905; Steffan and
    Kuhn, Z. Phys. B 95, 249 (1994); 1RSB gives 0.138186).

    Returns
    -------
    ZeroTemperatureRetrieval
        The retrieval state at ``alpha_c`` (scalar fields).
    """
    y = _Y_CRITICAL
    m = float(erf(y))
    c = float((2.0 / _SQRT_PI) * y * np.exp(-y * y) / m)
    a = _ALPHA_CRITICAL
    energy = -(m**2) / 2.0 - (a / 2.0) * c * (2.0 - c) / (1.0 - c) ** 2
    return ZeroTemperatureRetrieval(
        alpha=np.float64(a),
        y=np.float64(y),
        m=np.float64(m),
        C=np.float64(c),
        r=np.float64(1.0 / (1.0 - c) ** 2),
        energy=np.float64(energy),
        exists=np.bool_(True),
    )


def zero_temperature_transition_load() -> float:
    """Load where ``E_R = E_SG`` at ``T = 0`` (end point of the ``T_c`` line).

    Root of ``E_R(alpha) - E_SG(alpha)`` from the closed forms of
    :func:`zero_temperature_retrieval` and :func:`spin_glass_energy_zero_temperature`
    (AGS, Ann. Phys. 173, 30 (1987): about 0.051). Gives 0.05185.

    Returns
    -------
    float
        The load.
    """

    def gap(a: float) -> float:
        return float(zero_temperature_retrieval(a).energy - spin_glass_energy_zero_temperature(a))

    return float(brentq(gap, 0.03, 0.08, xtol=1e-14, rtol=1e-14))


# ---------------------------------------------------------------------------------------
# phase lines


def _flat_alpha(alpha: np.ndarray | float) -> tuple[np.ndarray, tuple[int, ...]]:
    arr = _as_float_array(alpha, "alpha")
    return arr.ravel().astype(float), arr.shape


def freezing_temperature(alpha: np.ndarray | float) -> np.ndarray:
    r"""Spin-glass freezing temperature ``T_g = 1 + sqrt(alpha)``.

    Linearising the ``q`` equation at ``m = 0``, ``q = beta^2 alpha q / (1 - beta)^2``,
    gives the instability of the paramagnet (AGS, Ann. Phys. 173, 30 (1987)):

    .. math::

        T_g(\alpha) = 1 + \sqrt{\alpha}.

    Parameters
    ----------
    alpha : array_like
        Load, ``>= 0``.

    Returns
    -------
    ndarray
        ``T_g`` with the shape of ``alpha``.

    Raises
    ------
    ValueError
        If ``alpha < 0``.
    """
    alpha = _as_float_array(alpha, "alpha")
    return _scalar_or_array(1.0 + np.sqrt(alpha))


def _exists_retrieval(
    alpha: np.ndarray, temperature: np.ndarray, m0: np.ndarray, s0: np.ndarray, max_iter: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Test retrieval existence at finite ``T`` (flat arrays, warm start); return (ok, m, s)."""
    beta = 1.0 / temperature
    m, s, q, c, st, _, _, det = _solve_core(
        alpha, beta, m0, s0, spin_glass=False, tol=1e-12, max_iter=max_iter, damping=0.5
    )
    st = _classify(st, alpha, m, q, c, det, spin_glass=False)
    return st == _OK, m, s


def _fold_residual(alpha: np.ndarray, m: np.ndarray, s: np.ndarray, temperature: np.ndarray):
    """``(G_m - m, G_s - s, det(I - J))`` at ``(m, s, T)``: zero at a saddle-node."""
    gm, gs, j11, j12, j21, j22, _, _ = _map_and_jacobian(
        alpha, 1.0 / temperature, m, s, spin_glass=False
    )
    return np.stack([gm - m, gs - s, (1.0 - j11) * (1.0 - j22) - j12 * j21])


def _polish_fold(
    alpha: np.ndarray, m: np.ndarray, s: np.ndarray, temperature: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method on the saddle-node system in ``(m, s, T)``; returns ``(T, ok)``.

    The Jacobian is built from central differences (step 1e-6) of the analytic map
    and ``det``; the iteration stops at ``|F| < 1e-11`` and ``|dT| < 1e-12``.
    """
    x = np.stack([m, s, temperature]).astype(float)
    ok = np.zeros(alpha.size, dtype=bool)
    h = 1e-6
    for _ in range(40):
        f0 = _fold_residual(alpha, *x)
        jac = np.empty((alpha.size, 3, 3))
        for k in range(3):
            dx = np.zeros_like(x)
            dx[k] = h * np.maximum(np.abs(x[k]), 1e-3)
            fp = _fold_residual(alpha, *(x + dx))
            fm = _fold_residual(alpha, *(x - dx))
            jac[:, :, k] = ((fp - fm) / (2.0 * dx[k])).T
        with np.errstate(all="ignore"):
            step = np.linalg.solve(jac, -f0.T[..., None])[..., 0].T
        step = np.where(np.isfinite(step), step, 0.0)
        # keep steps modest so that the iteration stays near the bracketed fold
        scale = np.maximum(1.0, np.max(np.abs(step) / np.array([[0.05], [0.05], [0.01]]), axis=0))
        x = x + step / scale
        x[2] = np.maximum(x[2], 1e-6)
        ok = (np.max(np.abs(f0), axis=0) < 1e-11) & (np.abs(step[2]) < 1e-10)
        if np.all(ok):
            break
    return x[2], ok


def _spinodal(alpha: np.ndarray) -> np.ndarray:
    """``T_M`` for flat ``alpha`` (see :func:`retrieval_spinodal_temperature`)."""
    n = alpha.size
    t_m = np.full(n, np.nan)
    t_m[alpha == 0] = 1.0
    idx = np.flatnonzero(alpha > 0)
    if idx.size == 0:
        return t_m
    a = alpha[idx]
    # lower bracket: a temperature where the retrieval solution exists
    lo = np.full(a.size, np.nan)
    zt = zero_temperature_retrieval(a)
    below = np.asarray(zt.exists) & (a < _ALPHA_CRITICAL)
    lo_start = np.full(a.size, 1e-3)
    m_lo = np.where(below, np.asarray(zt.m), 1.0)
    s_lo = np.where(below, np.sqrt(a * np.asarray(zt.r)), np.sqrt(a))
    ok, m1, s1 = _exists_retrieval(a, lo_start, m_lo, s_lo, 2000)
    lo = np.where(ok, lo_start, lo)
    m_lo, s_lo = np.where(ok, m1, m_lo), np.where(ok, s1, s_lo)
    # re-entrant sliver alpha_c < alpha < ~0.1382: look for the window on a T grid
    missing = np.flatnonzero(~ok & (a < 0.1395))
    if missing.size:
        t_grid = np.arange(0.0025, 0.08, 0.0025)
        aa, tt = np.meshgrid(a[missing], t_grid, indexing="ij")
        ok2, m2, s2 = _exists_retrieval(
            aa.ravel(), tt.ravel(), np.ones(aa.size), np.sqrt(aa.ravel()), 300
        )
        ok2, m2, s2 = (v.reshape(aa.shape) for v in (ok2, m2, s2))
        found = np.any(ok2, axis=1)
        last = ok2.shape[1] - 1 - np.argmax(ok2[:, ::-1], axis=1)  # highest T that exists
        rows = np.flatnonzero(found)
        hit = missing[rows]
        lo[hit] = t_grid[last[rows]]
        m_lo[hit], s_lo[hit] = m2[rows, last[rows]], s2[rows, last[rows]]
    has = np.flatnonzero(np.isfinite(lo))
    if has.size == 0:
        return t_m
    a_h = a[has]
    lo_h, hi_h = lo[has], np.ones(has.size)
    m_h, s_h = m_lo[has], s_lo[has]
    # bisection on existence, warm-started from the lower bracket (above the root)
    for _ in range(8):
        mid = 0.5 * (lo_h + hi_h)
        ex, mm, ss = _exists_retrieval(a_h, mid, m_h, s_h, 100)
        lo_h = np.where(ex, mid, lo_h)
        hi_h = np.where(ex, hi_h, mid)
        m_h, s_h = np.where(ex, mm, m_h), np.where(ex, ss, s_h)
    t_fold, good = _polish_fold(a_h, m_h, s_h, lo_h)
    width = hi_h - lo_h
    good &= (t_fold > lo_h - 2 * width) & (t_fold < hi_h + 2 * width)
    t_m[idx[has]] = np.where(good, t_fold, 0.5 * (lo_h + hi_h))
    return t_m


def retrieval_spinodal_temperature(alpha: np.ndarray | float) -> np.ndarray:
    r"""Spinodal ``T_M(alpha)``: the highest temperature where the RS retrieval state exists.

    The retrieval solution of the AGS equations (see :func:`solve_rs`) disappears in a
    saddle-node bifurcation with the unstable middle solution (AGS, PRL 55, 1530 (1985);
    Ann. Phys. 173, 30 (1987); ``T_M ~ 1 - 1.95 sqrt(alpha)`` at small ``alpha``). It
    is located by bisection on existence (warm-started, 14 halvings) and then solved
    to ~1e-12 as the fold of the fixed-point map,

    .. math::

        G(m, s; T) = (m, s),\qquad \det\bigl(I - \partial G/\partial(m, s)\bigr) = 0,

    by Newton's method in ``(m, s, T)``. ``T_M(0) = 1`` (Curie-Weiss). For
    ``alpha_c < alpha <~ 0.13818`` the retrieval state exists only in a window of
    temperatures around ``T ~ 0.02`` (RS re-entrance); ``T_M`` is then the upper end
    of that window, found from a scan of ``T`` in steps of 0.0025 up to 0.08 (loads
    whose window is narrower than that step get ``nan``). Loads ``>= 0.1395`` are not
    scanned and get ``nan`` (the RS retrieval solution exists at no temperature there).
    Accuracy: ``T_M`` solves the fold system to ~1e-12; values agree with THEORY.md
    (``T_M(0.02) = 0.7165``, ``T_M(0.05) = 0.5423``, ``T_M ~ 1 - 1.954 sqrt(alpha)``).

    Parameters
    ----------
    alpha : array_like
        Load, ``>= 0``.

    Returns
    -------
    ndarray
        ``T_M`` with the shape of ``alpha``; ``nan`` where no retrieval state exists
        at any temperature (``alpha >~ 0.13818``).

    Raises
    ------
    ValueError
        If ``alpha < 0``.
    """
    a, shape = _flat_alpha(alpha)
    return _scalar_or_array(_spinodal(a).reshape(shape))


def _free_energy_gap(alpha: np.ndarray, temperature: np.ndarray) -> np.ndarray:
    """``f_R - f_SG`` at flat ``(alpha, T)`` (``nan`` where a branch is missing)."""
    r = solve_rs(alpha, temperature)
    g = solve_rs(alpha, temperature, branch="spin_glass")
    return np.asarray(r.f - g.f)


def _illinois(func, lo, hi, f_lo, f_hi, *, n_iter: int = 60, xtol: float = 1e-12):
    """Vectorised Illinois (modified regula falsi) root finding on brackets ``[lo, hi]``."""
    lo, hi, f_lo, f_hi = (np.array(v, dtype=float) for v in (lo, hi, f_lo, f_hi))
    side = np.zeros(lo.size, dtype=int)
    for _ in range(n_iter):
        active = np.abs(hi - lo) > xtol * np.maximum(1.0, np.abs(hi))
        if not np.any(active):
            break
        with np.errstate(all="ignore"):
            x = np.where(active, (lo * f_hi - hi * f_lo) / (f_hi - f_lo), lo)
        x = np.where(
            np.isfinite(x) & (x > np.minimum(lo, hi)) & (x < np.maximum(lo, hi)),
            x,
            0.5 * (lo + hi),
        )
        fx = np.zeros_like(x)
        fx[active] = func(x[active], active)
        same = np.sign(fx) == np.sign(f_lo)
        # replace the endpoint with the same sign; halve the other value if it stays
        lo = np.where(active & same, x, lo)
        f_lo = np.where(active & same, fx, f_lo)
        f_hi = np.where(active & same & (side == 1), 0.5 * f_hi, f_hi)
        hi = np.where(active & ~same, x, hi)
        f_hi2 = np.where(active & ~same, fx, f_hi)
        f_lo = np.where(active & ~same & (side == -1), 0.5 * f_lo, f_lo)
        f_hi = f_hi2
        side = np.where(active, np.where(same, 1, -1), side)
        hit = active & (fx == 0)
        lo = np.where(hit, x, lo)
        hi = np.where(hit, x, hi)
    return 0.5 * (lo + hi)


def _transition_window(alpha: np.ndarray, t_m: np.ndarray | None = None) -> np.ndarray:
    """``(T_low, T_up)`` of global retrieval stability for flat ``alpha``."""
    n = alpha.size
    out = np.full((n, 2), np.nan)
    zero = alpha == 0
    out[zero] = (0.0, 1.0)
    if t_m is None:
        t_m = _spinodal(alpha)
    cand = np.flatnonzero((alpha > 0) & np.isfinite(t_m) & (alpha <= _ALPHA_CRITICAL))
    if cand.size == 0:
        return out
    a = alpha[cand]
    e_gap0 = np.asarray(zero_temperature_retrieval(a).energy) - np.asarray(
        spin_glass_energy_zero_temperature(a)
    )
    t_top = t_m[cand] * (1.0 - 1e-7)
    # minimum of f_R - f_SG over (0, T_M): golden section (the gap is unimodal in T)
    inv_phi = (np.sqrt(5.0) - 1.0) / 2.0
    lo, hi = np.zeros(a.size), t_top.copy()
    x1 = hi - inv_phi * (hi - lo)
    x2 = lo + inv_phi * (hi - lo)
    f1 = _free_energy_gap(a, np.maximum(x1, 1e-4))
    f2 = _free_energy_gap(a, x2)
    for _ in range(28):
        left = f1 < f2
        hi = np.where(left, x2, hi)
        lo = np.where(left, lo, x1)
        x2n = np.where(left, x1, lo + inv_phi * (hi - lo))
        x1n = np.where(left, hi - inv_phi * (hi - lo), x2)
        x_new = np.where(left, x1n, x2n)
        f_new = _free_energy_gap(a, np.maximum(x_new, 1e-4))
        f1, f2 = np.where(left, f_new, f2), np.where(left, f1, f_new)
        x1, x2 = x1n, x2n
    t_min = 0.5 * (x1 + x2)
    g_min = np.minimum(f1, f2)
    g_top = _free_energy_gap(a, t_top)
    has = (g_min < 0) & (g_top > 0)
    up = np.full(a.size, np.nan)
    low = np.full(a.size, np.nan)
    k = np.flatnonzero(has)
    if k.size:

        def gap_up(x, act):
            return _free_energy_gap(a[k][act], x)

        up[k] = _illinois(gap_up, t_min[k], t_top[k], g_min[k], g_top[k])
    single = has & (e_gap0 <= 0)
    low[single] = 0.0
    two = np.flatnonzero(has & (e_gap0 > 0))
    if two.size:

        def gap_low(x, act):
            return _free_energy_gap(a[two][act], np.maximum(x, 1e-6))

        low[two] = _illinois(gap_low, np.zeros(two.size), t_min[two], e_gap0[two], g_min[two])
    out[cand, 0] = low
    out[cand, 1] = up
    return out


def retrieval_transition_window(alpha: np.ndarray | float) -> np.ndarray:
    r"""Temperatures between which retrieval is the global RS minimum: ``f_R < f_SG``.

    ``f_R`` and ``f_SG`` are the RS free energies of the retrieval and spin-glass
    branches (:func:`solve_rs`; AGS, Ann. Phys. 173, 30 (1987)). The gap
    ``f_R - f_SG`` is unimodal in ``T`` on ``(0, T_M)``: its minimum is bracketed by a
    golden-section search and the crossings are refined to 1e-12 by Illinois regula
    falsi. The line ``T_c(alpha)`` is re-entrant: for
    ``alpha < 0.05185`` (:func:`zero_temperature_transition_load`) retrieval is stable
    on ``(0, T_c)``; for ``0.05185 < alpha <~ 0.0531`` only on a window
    ``(T_low, T_up)`` around ``T ~ 0.09``; above, nowhere.

    Parameters
    ----------
    alpha : array_like
        Load, ``>= 0``.

    Returns
    -------
    ndarray
        Shape ``alpha.shape + (2,)``: ``[..., 0] = T_low`` (``0.0`` when retrieval is
        stable down to ``T = 0``) and ``[..., 1] = T_up``; both ``nan`` where retrieval
        is never the global minimum. ``alpha = 0`` gives ``(0, 1)``.

    Raises
    ------
    ValueError
        If ``alpha < 0``.
    """
    a, shape = _flat_alpha(alpha)
    return _transition_window(a).reshape(shape + (2,))


def retrieval_transition_temperature(alpha: np.ndarray | float) -> np.ndarray:
    """Thermodynamic retrieval transition ``T_c(alpha)``, where ``f_R = f_SG``.

    Returns the *upper* crossing ``T_up`` of :func:`retrieval_transition_window`:
    below it (and above ``T_low``, which is 0 for ``alpha < 0.05185``) the retrieval
    state is the RS global minimum (AGS, Ann. Phys. 173, 30 (1987)). In the re-entrant
    range ``0.05185 < alpha <~ 0.0531`` there is also a lower crossing; use
    :func:`retrieval_transition_window` to get both. ``T_c(0) = 1``.

    Parameters
    ----------
    alpha : array_like
        Load, ``>= 0``.

    Returns
    -------
    ndarray
        ``T_c`` with the shape of ``alpha``; ``nan`` where retrieval is never the
        global minimum (``alpha >~ 0.0531``).

    Raises
    ------
    ValueError
        If ``alpha < 0``.
    """
    a, shape = _flat_alpha(alpha)
    return _scalar_or_array(_transition_window(a)[:, 1].reshape(shape))


def _mean_sech4(m: np.ndarray, s: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """``<sech^4 beta (m + s z)>_z`` for each point (flat arrays)."""
    out = np.empty(m.size)
    for g, _, w, x in _field_rule_groups(m, s, beta):
        e = np.exp(-2.0 * np.abs(x))
        u = 4.0 * e / (1.0 + e) ** 2
        out[g] = np.sum(w * u * u, axis=1)
    return out


def almeida_thouless_lhs(
    alpha: np.ndarray | float,
    temperature: np.ndarray | float,
    m: np.ndarray | float,
    q: np.ndarray | float,
) -> np.ndarray:
    r"""De Almeida-Thouless stability function of an RS solution (RS unstable where > 1).

    .. math::

        \lambda_{AT} = \frac{\alpha\beta^2\,\langle\mathrm{sech}^4\beta(m + \sqrt{\alpha r}\,z)
        \rangle_z}{(1-\beta(1-q))^2},\qquad r = \frac{q}{(1-\beta(1-q))^2}

    (AGS, Ann. Phys. 173, 30 (1987), replicon eigenvalue of the RS saddle point;
    de Almeida and Thouless, J. Phys. A 11, 983 (1978)). At ``m = q = 0`` it is
    ``alpha beta^2 / (1 - beta)^2``, which equals 1 at ``T = T_g = 1 + sqrt(alpha)``.

    Parameters
    ----------
    alpha : array_like
        Load, ``>= 0``.
    temperature : array_like
        ``T > 0``.
    m, q : array_like
        Order parameters of the RS solution (``0 <= q <= 1``).

    Returns
    -------
    ndarray
        ``lambda_AT`` with the broadcast shape; ``nan`` where ``1 - beta(1-q) <= 0``.

    Raises
    ------
    ValueError
        If ``alpha < 0`` or ``temperature <= 0``.
    """
    alpha = _as_float_array(alpha, "alpha")
    temperature = _as_float_array(temperature, "temperature", allow_zero=False)
    arrs = np.broadcast_arrays(alpha, temperature, np.asarray(m, float), np.asarray(q, float))
    shape = arrs[0].shape
    a, tt, mm, qq = (v.ravel().astype(float) for v in arrs)
    beta = 1.0 / tt
    d = 1.0 - beta * (1.0 - qq)
    valid = d > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(valid, np.sqrt(a * np.clip(qq, 0.0, None)) / d, 0.0)
    lam = a * beta**2 * _mean_sech4(mm, s, beta) / np.where(valid, d, 1.0) ** 2
    return _scalar_or_array(np.where(valid, lam, np.nan).reshape(shape))


#: Below this the low-temperature asymptote of T_AT is returned (relative error < 1e-6).
_AT_ASYMPTOTIC_BELOW = 1e-5


def _almeida_thouless(alpha: np.ndarray) -> np.ndarray:
    """``T_AT`` of the retrieval state for flat ``alpha``."""
    n = alpha.size
    out = np.full(n, np.nan)
    out[alpha == 0] = 0.0
    idx = np.flatnonzero((alpha > 0) & (alpha <= _ALPHA_CRITICAL))
    if idx.size == 0:
        return out
    a = alpha[idx]
    zt = zero_temperature_retrieval(a)
    y, c = np.asarray(zt.y), np.asarray(zt.C)
    with np.errstate(under="ignore"):
        t0 = (4.0 / 3.0) * np.sqrt(a / (2.0 * np.pi)) * np.exp(-(y**2)) / (1.0 - c)
    out[idx] = t0
    k = np.flatnonzero(t0 >= _AT_ASYMPTOTIC_BELOW)
    if k.size == 0:
        return out
    ak = a[k]

    def log_lambda(t: np.ndarray) -> np.ndarray:
        sol = solve_rs(ak, t)
        lam = almeida_thouless_lhs(ak, t, np.nan_to_num(sol.m), np.nan_to_num(sol.q))
        return np.where(np.asarray(sol.converged), np.log(lam), np.nan)

    # lambda ~ T_AT / T at low T: x = ln T, g(x) = ln lambda has slope ~ -1; secant
    x0 = np.log(t0[k])
    g0 = log_lambda(np.exp(x0))
    x1 = x0 + g0
    for _ in range(30):
        g1 = log_lambda(np.exp(x1))
        with np.errstate(all="ignore"):
            slope = np.where(np.abs(x1 - x0) > 0, (g1 - g0) / (x1 - x0), -1.0)
        slope = np.where(np.isfinite(slope) & (slope < -0.2), slope, -1.0)
        x_new = x1 - g1 / slope
        x0, g0, x1 = x1, g1, np.where(np.isfinite(x_new), x_new, np.nan)
        if np.all(~np.isfinite(x1) | (np.abs(x1 - x0) < 1e-13)):
            break
    out[idx[k]] = np.exp(x1)
    return out


def almeida_thouless_temperature(alpha: np.ndarray | float) -> np.ndarray:
    r"""De Almeida-Thouless temperature ``T_AT(alpha)`` of the RS retrieval state.

    Root in ``T`` of :func:`almeida_thouless_lhs` ``= 1`` along the retrieval branch;
    replica symmetry of the retrieval state is broken below it (AGS, Ann. Phys. 173,
    30 (1987)). At low ``T``, ``lambda_AT ~ T_0 / T`` with

    .. math::

        T_0 = \frac{4}{3}\sqrt{\frac{\alpha}{2\pi}}\,\frac{e^{-y^2}}{1-C}

    (``y``, ``C`` of :func:`zero_temperature_retrieval`; from
    ``beta^2 <sech^4 beta h> -> (4/3) beta P(h = 0)``), so ``T_AT`` is exponentially
    small, ``~ exp(-1/(2 alpha))``, at small load. ``T_0`` is returned where it is below
    1e-5 (relative error ~3e-2 T_0 < 1e-6, underflowing to ``0.0`` for ``alpha <~ 6.7e-4``);
    otherwise the root is refined by the secant method in ``ln T`` on the finite-``T``
    retrieval solutions (``T_AT ~ 0.018`` near ``alpha_c``).

    Parameters
    ----------
    alpha : array_like
        Load, ``>= 0``.

    Returns
    -------
    ndarray
        ``T_AT`` with the shape of ``alpha``: ``0.0`` at ``alpha = 0`` (and where it
        underflows), ``nan`` above ``alpha_c`` (no retrieval state at ``T = 0``; the
        re-entrant sliver is not treated).

    Raises
    ------
    ValueError
        If ``alpha < 0``.
    """
    a, shape = _flat_alpha(alpha)
    return _scalar_or_array(_almeida_thouless(a).reshape(shape))


@dataclass(frozen=True)
class PhaseLines:
    """The four lines of the RS phase diagram of the Hopfield model.

    Attributes
    ----------
    alpha : ndarray
        Loads.
    freezing : ndarray
        ``T_g = 1 + sqrt(alpha)`` (:func:`freezing_temperature`).
    retrieval_spinodal : ndarray
        ``T_M`` (:func:`retrieval_spinodal_temperature`).
    retrieval_transition : ndarray
        ``T_c``, upper crossing of ``f_R = f_SG`` (:func:`retrieval_transition_temperature`).
    retrieval_transition_low : ndarray
        Lower crossing (0 where retrieval is stable down to ``T = 0``; re-entrance).
    almeida_thouless : ndarray
        ``T_AT`` of the retrieval state (:func:`almeida_thouless_temperature`).
    """

    alpha: np.ndarray
    freezing: np.ndarray
    retrieval_spinodal: np.ndarray
    retrieval_transition: np.ndarray
    retrieval_transition_low: np.ndarray
    almeida_thouless: np.ndarray


def phase_lines(alphas: np.ndarray | float) -> PhaseLines:
    """Compute ``T_g``, ``T_M``, ``T_c`` (both crossings) and ``T_AT`` on the given loads.

    Same definitions and conventions as the individual functions (AGS, Ann. Phys. 173,
    30 (1987)); ``T_M`` is computed once and reused for ``T_c``.

    Parameters
    ----------
    alphas : array_like
        Loads, ``>= 0``.

    Returns
    -------
    PhaseLines
        Arrays with the shape of ``alphas``; ``nan`` where a line does not exist.

    Raises
    ------
    ValueError
        If any load is negative.
    """
    a, shape = _flat_alpha(alphas)
    t_m = _spinodal(a)
    window = _transition_window(a, t_m)
    t_at = _almeida_thouless(a)

    def out(v: np.ndarray) -> np.ndarray:
        return _scalar_or_array(v.reshape(shape))

    return PhaseLines(
        alpha=out(a.copy()),
        freezing=out(1.0 + np.sqrt(a)),
        retrieval_spinodal=out(t_m),
        retrieval_transition=out(window[:, 1]),
        retrieval_transition_low=out(window[:, 0]),
        almeida_thouless=out(t_at),
    )
