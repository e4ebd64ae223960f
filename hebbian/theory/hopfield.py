r"""Replica-symmetric (RS) theory of the Hopfield model (Amit-Gutfreund-Sompolinsky).

The RS saddle-point equations with one condensed pattern, their solver (built on
:mod:`hebbian.theory._core`), the RS free energy, the de Almeida-Thouless stability
function of a solution, and the ``T = 0`` closed forms. The phase lines built from
them (``T_g``, ``T_M``, ``T_c``, ``T_AT``) are in :mod:`hebbian.theory.hopfield_lines`.

Contract
--------
Pure functions of the load ``alpha = K / N`` (``K`` patterns, ``N`` neurons) and the
temperature ``T = 1 / beta``, vectorised with NumPy broadcasting: every argument may
be an array, results have the broadcast shape (0-d inputs give NumPy scalars).
Nothing is cached, nothing is random. Loads and temperatures must be finite and in
range (one-line :class:`ValueError` otherwise). A quantity that does not exist at a
point (a branch that is absent) is ``nan`` there, and the solver carries a
``converged`` flag and a ``status``: a failure is reported, never replaced by a
silently wrong number.

Model and normalisation
-----------------------
Zero-diagonal Hebbian couplings with ``K`` i.i.d. unbiased +-1 patterns,

.. math::

    H(\sigma) = -\frac{1}{2N}\sum_{i\neq j}\sum_{\mu=1}^{K}\xi_i^\mu\xi_j^\mu
    \sigma_i\sigma_j = -\frac{N}{2}\sum_\mu m_\mu^2 + \frac{K}{2},

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
The unknowns are ``(m, s)`` with ``s = sqrt(alpha r)`` and the fixed-point map
``G(m, s) = (<tanh beta h>, sqrt(alpha q) + s C)``, ``C = beta <sech^2 beta h>``,
whose fixed points are the RS equations; it is handed with its analytic 2x2
Jacobian to :func:`hebbian.theory._core.damped_newton` (damping 0.5, Newton below a
residual of 0.1, trust region 0.3 in ``m`` and ``s``, ``s >= 0``). Why these variables,
and why Newton only where ``det(I - J) > 0``: ``docs/theory/hopfield_numerics.md``.

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

from hebbian._validation import check_choice, check_real
from hebbian.theory._core import (
    ABSENT,
    CONVERGED,
    INVALID,
    STATUS_NAMES,
    as_real_array,
    broadcast_flat,
    check_count,
    damped_newton,
    scalar_or_array,
    sech2,
)
from hebbian.theory._gauss import field_averages, field_rule_groups, mean_log2cosh_over_beta

__all__ = [
    "HopfieldSolution",
    "ZeroTemperatureRetrieval",
    "almeida_thouless_lhs",
    "critical_capacity",
    "hopfield_free_energy",
    "solve_hopfield",
    "spin_glass_energy_zero_temperature",
    "zero_temperature_retrieval",
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
#: Lower bounds of the unknowns (m, s): s = sqrt(alpha r) >= 0.
_LOWER = np.array([-np.inf, 0.0])

_SQRT_PI = np.sqrt(np.pi)


# ---------------------------------------------------------------------------------------
# Gaussian averages of the RS integrands


def _map_and_jacobian(
    alpha: np.ndarray, beta: np.ndarray, m: np.ndarray, s: np.ndarray
) -> tuple[np.ndarray, ...]:
    r"""Fixed-point map in the variables ``(m, s = sqrt(alpha r))`` and its Jacobian.

    .. math::

        G_m = \langle\tanh\beta h\rangle,\qquad
        G_s = \sqrt{\alpha q} + s\,C,\qquad q = \langle\tanh^2\beta h\rangle,\quad
        C = \beta\langle\mathrm{sech}^2\beta h\rangle = \beta(1-q),

    whose fixed points are the RS equations (``s (1 - C) = sqrt(alpha q)`` is
    ``r = q / (1 - beta(1-q))^2``). Unlike iterating ``q`` directly this map stays a
    contraction at low ``T`` (``s C -> const``) and never divides by ``1 - C``.
    Returns ``gm, gs, j11, j12, j21, j22, q, C`` with ``j`` the Jacobian of ``G``.
    """
    av = field_averages(m, s, beta)
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
    return av.t, gs, beta * av.u, beta * av.zu, j21, j22, q, c


# ---------------------------------------------------------------------------------------
# the family's residual for the shared solver


def _residual(alpha: np.ndarray, beta: np.ndarray, *, spin_glass: bool):
    """Residual ``F = G - x`` and Jacobian for :func:`~hebbian.theory._core.damped_newton`.

    Unknowns ``x = (m, s)`` (retrieval) or ``x = (s,)`` with ``m = 0`` (spin glass);
    ``aux = (q, C)``. ``alpha`` and ``beta`` are the flat parameters of the batch.
    """

    def fn(x: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a, b = alpha[index], beta[index]
        if spin_glass:
            s = x[:, 0]
            _, gs, _, _, _, j22, q, c = _map_and_jacobian(a, b, np.zeros_like(s), s)
            return (gs - s)[:, None], (j22 - 1.0)[:, None, None], np.stack([q, c], axis=1)
        m, s = x[:, 0], x[:, 1]
        gm, gs, j11, j12, j21, j22, q, c = _map_and_jacobian(a, b, m, s)
        f, jac, aux = np.empty((m.size, 2)), np.empty((m.size, 2, 2)), np.empty((m.size, 2))
        f[:, 0], f[:, 1] = gm - m, gs - s
        jac[:, 0, 0], jac[:, 0, 1] = j11 - 1.0, j12
        jac[:, 1, 0], jac[:, 1, 1] = j21, j22 - 1.0
        aux[:, 0], aux[:, 1] = q, c
        return f, jac, aux

    return fn


def _solve_points(
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
    on the unstable middle retrieval solution). The spin glass keeps ``m = 0``.
    """
    if spin_glass:
        x0, lower = s0[:, None], _LOWER[1:]
    else:
        x0, lower = np.stack([m0, s0], axis=1), _LOWER
    res = damped_newton(
        _residual(alpha, beta, spin_glass=spin_glass),
        x0,
        lower=lower,
        tol=tol,
        max_iter=max_iter,
        damping=damping,
        newton_below=_NEWTON_SWITCH,
        trust=_TRUST,
    )
    m = np.zeros(alpha.size) if spin_glass else res.x[:, 0]
    aux = np.full((alpha.size, 2), np.nan) if res.aux is None else res.aux
    q, c = aux[:, 0], aux[:, 1]
    return m, res.x[:, -1], q, c, res.status, res.residual, res.n_iter, res.det


# ---------------------------------------------------------------------------------------
# public: solution object and solver


@dataclass(frozen=True)
class HopfieldSolution:
    """Replica-symmetric (AGS) solution of the Hopfield model on a grid of ``(alpha, T)``.

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


def hopfield_free_energy(
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
        Load ``K / N``, finite and ``>= 0``.
    temperature : array_like
        ``T``, finite and ``> 0``.
    m, q, r : array_like
        Order parameters; ``1 - beta(1 - q) > 0`` is required where ``alpha > 0``
        (``nan`` is returned otherwise), ``r`` finite and ``>= 0``; a non-finite ``m``
        or ``q`` gives ``nan``.

    Returns
    -------
    ndarray
        ``f`` with the broadcast shape of the inputs.

    Raises
    ------
    ValueError
        If ``alpha < 0``, ``temperature <= 0``, ``r < 0``, or one of them is not
        finite.
    """
    alpha = as_real_array("alpha", alpha)
    temperature = as_real_array("temperature", temperature, include_minimum=False)
    r = as_real_array("r", r)
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
    known = np.isfinite(mm) & np.isfinite(qq)  # nan order parameters give nan
    lc = mean_log2cosh_over_beta(np.where(known, mm, 0.0), s, beta)
    f = a / 2.0 + mm**2 / 2.0 + noise - lc
    return scalar_or_array(np.where(known, f, np.nan).reshape(shape))


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
        alpha / 2.0 + m**2 / 2.0 + log_term + s**2 * c / 2.0 - mean_log2cosh_over_beta(m, s, beta)
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
    status = np.where((status == CONVERGED) & (alpha > 0) & ~(c < 1.0), INVALID, status)
    if spin_glass:
        # q ~ 0: collapsed onto the paramagnet (above T_g)
        absent = q <= Q_FLOOR
    else:
        # m ~ 0: collapsed onto the spin glass or paramagnet; det <= 0: the unstable
        # middle solution, not the retrieval branch
        absent = (m <= M_FLOOR) | ~(det > 0)
    return np.where((status == CONVERGED) & absent, ABSENT, status)


def solve_hopfield(
    alpha: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    branch: Branch = "retrieval",
    m0: np.ndarray | float | None = None,
    q0: np.ndarray | float | None = None,
    tol: float = 1e-12,
    max_iter: int = 20_000,
    damping: float = 0.5,
) -> HopfieldSolution:
    r"""Solve the AGS replica-symmetric equations of the Hopfield model on an ``(alpha, T)`` grid.

    .. math::

        m = \langle\tanh\beta h\rangle_z,\quad q = \langle\tanh^2\beta h\rangle_z,\quad
        r = \frac{q}{(1-\beta(1-q))^2},\qquad h = m + \sqrt{\alpha r}\,z

    (AGS, Ann. Phys. 173, 30 (1987), Eqs. for one condensed pattern; zero-diagonal
    convention). All points are iterated at once by
    :func:`hebbian.theory._core.damped_newton`: damped fixed-point iteration
    (``x <- x + damping (G(x) - x)``), then safeguarded Newton steps on
    ``(m, sqrt(alpha r))`` once the residual is below 0.1 (see the module docstring).
    ``T = 0`` uses the closed forms of :func:`zero_temperature_retrieval` and
    :func:`spin_glass_energy_zero_temperature`.

    Parameters
    ----------
    alpha : array_like
        Load ``K / N``, finite and ``>= 0``.
    temperature : array_like
        ``T``, finite and ``>= 0``; broadcast against ``alpha``.
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
        Convergence threshold (``> 0``) on the residual of the ``m`` and ``r``
        equations (see :attr:`HopfieldSolution.residual`).
    max_iter : int, optional
        Iteration cap per point, an integer ``>= 1``.
    damping : float, optional
        Weight of the new iterate in the damped step, in ``(0, 1]``.

    Returns
    -------
    HopfieldSolution
        Order parameters, free energy, ``converged`` and ``status`` per point;
        ``m, q, r, f`` are ``nan`` where ``converged`` is False.

    Raises
    ------
    ValueError
        If ``alpha < 0``, ``temperature < 0``, either is not finite, ``branch`` is
        unknown, or an option is out of range.

    Examples
    --------
    >>> sol = solve_hopfield(0.05, 0.3)
    >>> bool(sol.converged), round(float(sol.m), 4)
    (True, 0.9912)
    """
    alpha = as_real_array("alpha", alpha)
    temperature = as_real_array("temperature", temperature)
    check_choice("branch", branch, _BRANCHES)
    damping = check_real("damping", damping, minimum=0.0, maximum=1.0, include_minimum=False)
    tol = check_real("tol", tol, minimum=0.0, include_minimum=False)
    max_iter = check_count("max_iter", max_iter)
    alpha, temperature = np.broadcast_arrays(alpha, temperature)
    shape = alpha.shape
    a = alpha.ravel().astype(float)
    tt = temperature.ravel().astype(float)
    n = a.size
    m = np.full(n, np.nan)
    q = np.full(n, np.nan)
    r = np.full(n, np.nan)
    f = np.full(n, np.nan)
    status = np.full(n, ABSENT)
    residual = np.zeros(n)
    n_iter = np.zeros(n, dtype=int)

    zero_t = tt == 0.0
    if branch == "paramagnet":
        ok = (tt > 1.0) | (a == 0.0)
        m[ok], q[ok], r[ok] = 0.0, 0.0, 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            f_para = np.where(a > 0, a / 2.0 + (a * tt / 2.0) * np.log1p(-1.0 / tt), 0.0)
        f[ok] = f_para[ok] - tt[ok] * np.log(2.0)
        status[ok] = CONVERGED
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
                status[idx[pos]] = CONVERGED
            else:
                zt = zero_temperature_retrieval(a[idx])
                ex = np.asarray(zt.exists)
                m[idx[ex]] = np.asarray(zt.m)[ex]
                q[idx[ex]] = 1.0
                r[idx[ex]] = np.asarray(zt.r)[ex]
                f[idx[ex]] = np.asarray(zt.energy)[ex]
                status[idx[ex]] = CONVERGED
        fin = np.flatnonzero(~zero_t)
        if spin_glass:
            fin_run = fin[a[fin] > 0]  # at alpha = 0 the spin glass does not exist
        else:
            fin_run = fin
        if fin_run.size:
            af = a[fin_run]
            beta = 1.0 / tt[fin_run]
            mi, si = _starting_point(af, beta, m0, q0, shape, fin_run, spin_glass=spin_glass)
            mf, sf, qf, cf, st, res, nit, det = _solve_points(
                af,
                beta,
                mi,
                si,
                spin_glass=spin_glass,
                tol=tol,
                max_iter=max_iter,
                damping=damping,
            )
            st = _classify(st, af, mf, qf, cf, det, spin_glass=spin_glass)
            good = st == CONVERGED
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

    converged = status == CONVERGED

    def out(v: np.ndarray) -> np.ndarray:
        return scalar_or_array(v.reshape(shape))

    return HopfieldSolution(
        alpha=scalar_or_array(alpha.copy()),
        temperature=scalar_or_array(temperature.copy()),
        branch=branch,
        m=out(m),
        q=out(q),
        r=out(r),
        f=out(f),
        converged=out(converged),
        status=out(STATUS_NAMES[status]),
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
        Load ``K / N``, finite and ``>= 0``.

    Returns
    -------
    ZeroTemperatureRetrieval
        Fields with the shape of ``alpha``; ``nan`` (and ``exists = False``) above
        ``alpha_c = 0.1379055``.

    Raises
    ------
    ValueError
        If ``alpha`` is negative or not finite.
    """
    alpha = as_real_array("alpha", alpha)
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
        alpha=scalar_or_array(alpha.copy()),
        y=scalar_or_array(y.reshape(shape)),
        m=scalar_or_array(m.reshape(shape)),
        C=scalar_or_array(c.reshape(shape)),
        r=scalar_or_array(r.reshape(shape)),
        energy=scalar_or_array(energy.reshape(shape)),
        exists=scalar_or_array(exists.reshape(shape)),
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
        Load ``K / N``, finite and ``>= 0``.

    Returns
    -------
    ndarray
        ``E_SG`` with the shape of ``alpha``.

    Raises
    ------
    ValueError
        If ``alpha`` is negative or not finite.
    """
    alpha = as_real_array("alpha", alpha)
    e = np.where(alpha > 0, -1.0 / np.pi - np.sqrt(2.0 * alpha / np.pi), np.nan)
    return scalar_or_array(e)


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


# ---------------------------------------------------------------------------------------
# stability of an RS solution


def _mean_sech4(m: np.ndarray, s: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """``<sech^4 beta (m + s z)>_z`` for each point (flat arrays)."""
    out = np.empty(m.size)
    for g, _, w, x in field_rule_groups(m, s, beta):
        u = sech2(x)
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
        Load ``K / N``, finite and ``>= 0``.
    temperature : array_like
        ``T``, finite and ``> 0``.
    m, q : array_like
        Order parameters of the RS solution (``0 <= q <= 1``); ``nan`` or ``inf``
        gives ``nan``.

    Returns
    -------
    ndarray
        ``lambda_AT`` with the broadcast shape; ``nan`` where ``1 - beta(1-q) <= 0``.

    Raises
    ------
    ValueError
        If ``alpha < 0``, ``temperature <= 0``, or either is not finite.
    """
    alpha = as_real_array("alpha", alpha)
    temperature = as_real_array("temperature", temperature, include_minimum=False)
    shape, (a, tt, mm, qq) = broadcast_flat(alpha, temperature, np.asarray(m, float), q)
    beta = 1.0 / tt
    d = 1.0 - beta * (1.0 - qq)
    valid = (d > 0) & np.isfinite(mm)  # also False where q is nan: nan in, nan out
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(valid, np.sqrt(a * np.clip(qq, 0.0, None)) / d, 0.0)
    sech4 = _mean_sech4(np.where(valid, mm, 0.0), s, beta)
    lam = a * beta**2 * sech4 / np.where(valid, d, 1.0) ** 2
    return scalar_or_array(np.where(valid, lam, np.nan).reshape(shape))
