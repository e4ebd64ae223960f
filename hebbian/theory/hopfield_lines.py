r"""Phase lines of the replica-symmetric (RS) Hopfield model (Amit-Gutfreund-Sompolinsky).

The lines of the RS phase diagram in the plane of load ``alpha = K / N`` and
temperature ``T`` (AGS, Phys. Rev. Lett. 55, 1530 (1985); Ann. Phys. 173, 30 (1987)),
computed from the RS equations and their solver in :mod:`hebbian.theory.hopfield`:

* ``T_g = 1 + sqrt(alpha)``: the paramagnet becomes unstable towards the spin glass
  (:func:`freezing_temperature`);
* ``T_M``: the retrieval state disappears in a saddle-node bifurcation
  (:func:`retrieval_spinodal_temperature`);
* ``T_c``: the retrieval state becomes the global RS minimum, ``f_R = f_SG``
  (:func:`retrieval_transition_temperature`, :func:`retrieval_transition_window` for
  both crossings of the re-entrant line, :func:`zero_temperature_transition_load` for
  its ``T = 0`` end);
* ``T_AT``: replica symmetry of the retrieval state breaks (de Almeida and Thouless,
  J. Phys. A 11, 983 (1978); :func:`almeida_thouless_temperature`).

:func:`phase_lines` computes all of them on a list of loads.

Contract
--------
Same as :mod:`hebbian.theory.hopfield`: pure, vectorised over ``alpha`` (any shape),
0-d input gives NumPy scalars, loads must be finite and ``>= 0`` (one-line
:class:`ValueError` otherwise), and ``nan`` marks a line that does not exist at a load.
The brackets, root finders and the fold polisher come from
:mod:`hebbian.theory._core`; how they are combined (existence bisection and fold
polishing for ``T_M``, golden section and Illinois for the ``T_c`` window, the
low-temperature asymptote of ``T_AT``) is described in
``docs/theory/hopfield_numerics.md``.

References
----------
D. J. Amit, H. Gutfreund, H. Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985);
Ann. Phys. 173, 30 (1987).
J. R. L. de Almeida and D. J. Thouless, J. Phys. A 11, 983 (1978).
A. Steffan and R. Kuhn, Z. Phys. B 95, 249 (1994) (RS re-entrance near ``alpha_c``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from hebbian.theory._core import (
    CONVERGED,
    as_real_array,
    golden_section_min,
    illinois,
    newton_fd,
    scalar_or_array,
)
from hebbian.theory.hopfield import (
    _ALPHA_CRITICAL,
    _classify,
    _map_and_jacobian,
    _solve_points,
    almeida_thouless_lhs,
    solve_hopfield,
    spin_glass_energy_zero_temperature,
    zero_temperature_retrieval,
)

__all__ = [
    "PhaseLines",
    "almeida_thouless_temperature",
    "freezing_temperature",
    "phase_lines",
    "retrieval_spinodal_temperature",
    "retrieval_transition_temperature",
    "retrieval_transition_window",
    "zero_temperature_transition_load",
]


def _flat_alpha(
    alpha: np.ndarray | float, name: str = "alpha"
) -> tuple[np.ndarray, tuple[int, ...]]:
    arr = as_real_array(name, alpha)
    return arr.ravel().astype(float), arr.shape


# ---------------------------------------------------------------------------------------
# T_g


def freezing_temperature(alpha: np.ndarray | float) -> np.ndarray:
    r"""Spin-glass freezing temperature ``T_g = 1 + sqrt(alpha)``.

    Linearising the ``q`` equation at ``m = 0``, ``q = beta^2 alpha q / (1 - beta)^2``,
    gives the instability of the paramagnet (AGS, Ann. Phys. 173, 30 (1987)):

    .. math::

        T_g(\alpha) = 1 + \sqrt{\alpha}.

    Parameters
    ----------
    alpha : array_like
        Load ``K / N``, finite and ``>= 0``.

    Returns
    -------
    ndarray
        ``T_g`` with the shape of ``alpha``.

    Raises
    ------
    ValueError
        If ``alpha`` is negative or not finite.
    """
    alpha = as_real_array("alpha", alpha)
    return scalar_or_array(1.0 + np.sqrt(alpha))


# ---------------------------------------------------------------------------------------
# T_M


def _exists_retrieval(
    alpha: np.ndarray, temperature: np.ndarray, m0: np.ndarray, s0: np.ndarray, max_iter: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Test retrieval existence at finite ``T`` (flat arrays, warm start); return (ok, m, s)."""
    beta = 1.0 / temperature
    m, s, q, c, st, _, _, det = _solve_points(
        alpha, beta, m0, s0, spin_glass=False, tol=1e-12, max_iter=max_iter, damping=0.5
    )
    st = _classify(st, alpha, m, q, c, det, spin_glass=False)
    return st == CONVERGED, m, s


def _fold_residual(alpha: np.ndarray, m: np.ndarray, s: np.ndarray, temperature: np.ndarray):
    """``(G_m - m, G_s - s, det(I - J))`` at ``(m, s, T)``: zero at a saddle-node."""
    gm, gs, j11, j12, j21, j22, _, _ = _map_and_jacobian(alpha, 1.0 / temperature, m, s)
    return np.stack([gm - m, gs - s, (1.0 - j11) * (1.0 - j22) - j12 * j21])


def _polish_fold(
    alpha: np.ndarray, m: np.ndarray, s: np.ndarray, temperature: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method on the saddle-node system in ``(m, s, T)``; returns ``(T, ok)``.

    :func:`~hebbian.theory._core.newton_fd` with central differences (relative step
    1e-6) of the analytic map and ``det``; steps are capped at 0.05 in ``m`` and ``s``
    and 0.01 in ``T`` (so that the iteration stays near the bracketed fold), ``T`` is
    kept ``>= 1e-6``, and a point has converged at ``|F| < 1e-11`` and ``|dT| < 1e-10``.
    """

    def fold(m: np.ndarray, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        return _fold_residual(alpha, m, s, t)

    x, ok = newton_fd(
        fold,
        np.stack([m, s, temperature]),
        max_step=np.array([0.05, 0.05, 0.01]),
        lower=np.array([-np.inf, -np.inf, 1e-6]),
        xtol=np.array([np.inf, np.inf, 1e-10]),
        ftol=1e-11,
        rel_step=1e-6,
        min_abs=1e-3,
        max_iter=40,
    )
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

    The retrieval solution of the AGS equations (see
    :func:`~hebbian.theory.hopfield.solve_hopfield`) disappears in a saddle-node
    bifurcation with the unstable middle solution (AGS, PRL 55, 1530 (1985); Ann. Phys.
    173, 30 (1987); ``T_M ~ 1 - 1.95 sqrt(alpha)`` at small ``alpha``). It is bracketed
    by bisection on existence (warm-started, 8 halvings of ``[T_low, 1]``) and then
    solved to ~1e-12 as the fold of the fixed-point map,

    .. math::

        G(m, s; T) = (m, s),\qquad \det\bigl(I - \partial G/\partial(m, s)\bigr) = 0,

    by Newton's method in ``(m, s, T)``. ``T_M(0) = 1`` (Curie-Weiss). For
    ``alpha_c < alpha <~ 0.13818`` the retrieval state exists only in a window of
    temperatures around ``T ~ 0.02`` (RS re-entrance); ``T_M`` is then the upper end
    of that window, found from a scan of ``T`` in steps of 0.0025 up to 0.08 (loads
    whose window is narrower than that step get ``nan``). Loads ``>= 0.1395`` are not
    scanned and get ``nan`` (the RS retrieval solution exists at no temperature there).
    Accuracy: ``T_M`` solves the fold system to ~1e-12; ``T_M(0.02) = 0.7165``,
    ``T_M(0.05) = 0.5423`` (AGS 1987 quote ``T_M(0.05) ~ 0.54``) and
    ``T_M ~ 1 - 1.954 sqrt(alpha)`` at small load. The method is described in
    ``docs/theory/hopfield_numerics.md``.

    Parameters
    ----------
    alpha : array_like
        Load ``K / N``, finite and ``>= 0``.

    Returns
    -------
    ndarray
        ``T_M`` with the shape of ``alpha``; ``nan`` where no retrieval state exists
        at any temperature (``alpha >~ 0.13818``).

    Raises
    ------
    ValueError
        If ``alpha`` is negative or not finite.
    """
    a, shape = _flat_alpha(alpha)
    return scalar_or_array(_spinodal(a).reshape(shape))


# ---------------------------------------------------------------------------------------
# T_c


def zero_temperature_transition_load() -> float:
    """Load where ``E_R = E_SG`` at ``T = 0`` (end point of the ``T_c`` line).

    Root of ``E_R(alpha) - E_SG(alpha)`` from the closed forms of
    :func:`~hebbian.theory.hopfield.zero_temperature_retrieval` and
    :func:`~hebbian.theory.hopfield.spin_glass_energy_zero_temperature`
    (AGS, Ann. Phys. 173, 30 (1987): about 0.051). Gives 0.05185.

    Returns
    -------
    float
        The load.
    """

    def gap(a: float) -> float:
        return float(zero_temperature_retrieval(a).energy - spin_glass_energy_zero_temperature(a))

    return float(brentq(gap, 0.03, 0.08, xtol=1e-14, rtol=1e-14))


def _free_energy_gap(alpha: np.ndarray, temperature: np.ndarray) -> np.ndarray:
    """``f_R - f_SG`` at flat ``(alpha, T)`` (``nan`` where a branch is missing)."""
    r = solve_hopfield(alpha, temperature)
    g = solve_hopfield(alpha, temperature, branch="spin_glass")
    return np.asarray(r.f - g.f)


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
    t_min, g_min = golden_section_min(
        lambda t: _free_energy_gap(a, np.maximum(t, 1e-4)), np.zeros(a.size), t_top, n_iter=28
    )
    g_top = _free_energy_gap(a, t_top)
    has = (g_min < 0) & (g_top > 0)
    up = np.full(a.size, np.nan)
    low = np.full(a.size, np.nan)
    k = np.flatnonzero(has)
    if k.size:

        def gap_up(x, act):
            return _free_energy_gap(a[k][act], x)

        up[k] = illinois(gap_up, t_min[k], t_top[k], g_min[k], g_top[k])
    single = has & (e_gap0 <= 0)
    low[single] = 0.0
    two = np.flatnonzero(has & (e_gap0 > 0))
    if two.size:

        def gap_low(x, act):
            return _free_energy_gap(a[two][act], np.maximum(x, 1e-6))

        low[two] = illinois(gap_low, np.zeros(two.size), t_min[two], e_gap0[two], g_min[two])
    out[cand, 0] = low
    out[cand, 1] = up
    return out


def retrieval_transition_window(alpha: np.ndarray | float) -> np.ndarray:
    r"""Temperatures between which retrieval is the global RS minimum: ``f_R < f_SG``.

    ``f_R`` and ``f_SG`` are the RS free energies of the retrieval and spin-glass
    branches (:func:`~hebbian.theory.hopfield.solve_hopfield`; AGS, Ann. Phys. 173, 30
    (1987)). The gap ``f_R - f_SG`` is unimodal in ``T`` on ``(0, T_M)``: its minimum
    is bracketed by a golden-section search and the crossings are refined to 1e-12 by
    Illinois regula falsi (``docs/theory/hopfield_numerics.md``). The line
    ``T_c(alpha)`` is re-entrant: for ``alpha < 0.05185``
    (:func:`zero_temperature_transition_load`) retrieval is stable on ``(0, T_c)``;
    for ``0.05185 < alpha <~ 0.0531`` only on a window
    ``(T_low, T_up)`` around ``T ~ 0.09``; above, nowhere.

    Parameters
    ----------
    alpha : array_like
        Load ``K / N``, finite and ``>= 0``.

    Returns
    -------
    ndarray
        Shape ``alpha.shape + (2,)``: ``[..., 0] = T_low`` (``0.0`` when retrieval is
        stable down to ``T = 0``) and ``[..., 1] = T_up``; both ``nan`` where retrieval
        is never the global minimum. ``alpha = 0`` gives ``(0, 1)``.

    Raises
    ------
    ValueError
        If ``alpha`` is negative or not finite.
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
        Load ``K / N``, finite and ``>= 0``.

    Returns
    -------
    ndarray
        ``T_c`` with the shape of ``alpha``; ``nan`` where retrieval is never the
        global minimum (``alpha >~ 0.0531``).

    Raises
    ------
    ValueError
        If ``alpha`` is negative or not finite.
    """
    a, shape = _flat_alpha(alpha)
    return scalar_or_array(_transition_window(a)[:, 1].reshape(shape))


# ---------------------------------------------------------------------------------------
# T_AT


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
        sol = solve_hopfield(ak, t)
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

    Root in ``T`` of :func:`~hebbian.theory.hopfield.almeida_thouless_lhs` ``= 1`` along
    the retrieval branch; replica symmetry of the retrieval state is broken below it
    (AGS, Ann. Phys. 173, 30 (1987)). At low ``T``, ``lambda_AT ~ T_0 / T`` with

    .. math::

        T_0 = \frac{4}{3}\sqrt{\frac{\alpha}{2\pi}}\,\frac{e^{-y^2}}{1-C}

    (``y``, ``C`` of :func:`~hebbian.theory.hopfield.zero_temperature_retrieval`; from
    ``beta^2 <sech^4 beta h> -> (4/3) beta P(h = 0)``), so ``T_AT`` is exponentially
    small, ``~ exp(-1/(2 alpha))``, at small load. ``T_0`` is returned where it is below
    1e-5 (relative error ~3e-2 T_0 < 1e-6, underflowing to ``0.0`` for ``alpha <~ 6.7e-4``);
    otherwise the root is refined by the secant method in ``ln T`` on the finite-``T``
    retrieval solutions (``T_AT ~ 0.018`` near ``alpha_c``).

    Parameters
    ----------
    alpha : array_like
        Load ``K / N``, finite and ``>= 0``.

    Returns
    -------
    ndarray
        ``T_AT`` with the shape of ``alpha``: ``0.0`` at ``alpha = 0`` (and where it
        underflows), ``nan`` above ``alpha_c`` (no retrieval state at ``T = 0``; the
        re-entrant sliver is not treated).

    Raises
    ------
    ValueError
        If ``alpha`` is negative or not finite.
    """
    a, shape = _flat_alpha(alpha)
    return scalar_or_array(_almeida_thouless(a).reshape(shape))


# ---------------------------------------------------------------------------------------
# all lines


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
        Loads ``K / N``, finite and ``>= 0``.

    Returns
    -------
    PhaseLines
        Arrays with the shape of ``alphas``; ``nan`` where a line does not exist.

    Raises
    ------
    ValueError
        If a load is negative or not finite.
    """
    a, shape = _flat_alpha(alphas, "alphas")
    t_m = _spinodal(a)
    window = _transition_window(a, t_m)
    t_at = _almeida_thouless(a)

    def out(v: np.ndarray) -> np.ndarray:
        return scalar_or_array(v.reshape(shape))

    return PhaseLines(
        alpha=out(a.copy()),
        freezing=out(1.0 + np.sqrt(a)),
        retrieval_spinodal=out(t_m),
        retrieval_transition=out(window[:, 1]),
        retrieval_transition_low=out(window[:, 0]),
        almeida_thouless=out(t_at),
    )
