r"""Shared numerical core of the replica-symmetric (RS) solvers in :mod:`hebbian.theory`.

Nothing here knows about a model: no order parameter, no load, no temperature.
A family module (:mod:`~hebbian.theory.hopfield` today; ``dense``, ``multitasking``,
``gardner``, ``vsa`` next) writes down its saddle-point equations and hands the
machinery to this module and to :mod:`hebbian.theory._gauss` (the Gaussian rules).

Contract
--------
What a family module provides, and what it gets back:

1. **Checked, flat inputs.** Every public function passes each control parameter
   (load, temperature, ...) through :func:`as_real_array`, which refuses ``nan``,
   ``inf`` and values outside the allowed interval with a one-line
   :class:`ValueError` naming the argument, the value and the interval, and every
   integer option through :func:`check_count` (real options go through
   :func:`hebbian._validation.check_real`). It then broadcasts and flattens the
   parameters (:func:`broadcast_flat`), works on flat arrays, reshapes, and returns
   :func:`scalar_or_array` so that 0-d inputs give NumPy scalars.
2. **A residual in fixed-point form.** For ``d`` unknowns per point the family writes
   a map ``G`` whose fixed points are its saddle-point equations and a callable

   ``fn(x, index) -> (F, J, aux)``

   with ``x`` of shape ``(n, d)`` (the unknowns of ``n`` points), ``index`` the
   positions of those points in the batch (use it to slice the control parameters the
   callable closes over), ``F = G(x) - x`` of shape ``(n, d)``, ``J = dF/dx`` of shape
   ``(n, d, d)`` (rows: components of ``F``), and ``aux`` an ``(n, k)`` array of
   by-products to keep at the solution (or ``None``). The form ``G(x) - x`` fixes the
   orientation: the damped step is ``x + damping * F``, which converges where ``G``
   is a contraction.
3. **Starting points and bounds** for :func:`damped_newton`: ``x0`` of shape ``(n, d)``
   and optional lower bounds per unknown (e.g. a standard deviation ``>= 0``).
4. **Classification.** :func:`damped_newton` reports per point ``CONVERGED``,
   ``NOT_CONVERGED`` (iteration cap) or ``INVALID`` (non-finite residual), and
   ``det(I - dG/dx)`` at the solution. Only the family knows which branch it asked for:
   it turns a converged point that fell onto another branch (e.g. an overlap that
   collapsed to zero, or ``det <= 0``: the unstable partner of a saddle-node) into
   ``ABSENT``, and a point outside the domain of its equations into ``INVALID``.
   :data:`STATUS_NAMES` maps the codes to the strings that result objects carry.
5. **Gaussian averages** only through :mod:`hebbian.theory._gauss`
   (:func:`~hebbian.theory._gauss.field_rule_groups` for fields
   ``beta (mean + std z)``), so every family shares one ``Dz``.
6. **Lines** (transition temperatures, spinodals) from the bracketing root finder
   :func:`illinois`, the minimiser :func:`golden_section_min` and the small-system
   Newton solver :func:`newton_fd` (finite-difference Jacobian, e.g. to polish a fold
   together with its control parameter).

In return every function here is pure, deterministic and vectorised over a batch of
independent points, caches nothing and draws nothing at random; a failure is reported
(a status code, a ``False`` flag), never replaced by a silently wrong number.

Numerics of :func:`damped_newton`
---------------------------------
All points are iterated at once; a point leaves the batch as soon as it converges
(``max |F| < tol``) or its residual stops being finite. Each iteration takes, per
point, either the damped fixed-point step ``x + damping F`` (clipped to the lower
bounds) or the Newton step ``x + (I - dG/dx)^{-1} F``. Newton is tried only when the
residual is below ``newton_below``, no Newton step failed in the last ``cooldown``
iterations, and ``det(I - dG/dx) > 0`` (the map contracts along its slow direction;
past the ghost of a vanished saddle-node ``det < 0`` and Newton would jump back to the
ghost instead of letting the iteration fall onto the other branch). The step is
accepted only inside the trust region (``|dx_i| <= trust_i``) and the bounds. A Newton
step that does not reduce the residual by ``min_decrease`` is undone: the damped step
is taken from the previous point instead. Near a spinodal this removes the critical
slowing down of the plain damped iteration.

References
----------
W. H. Press et al., *Numerical Recipes*, 3rd ed. (Cambridge, 2007), sec. 9.2
(regula falsi and its Illinois modification), 10.2 (golden section), 9.6 (Newton's
method for systems).
M. Dowell and P. Jarratt, BIT 11, 168 (1971) (the Illinois method).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "largest_passing",
    "ABSENT",
    "CONVERGED",
    "INVALID",
    "NOT_CONVERGED",
    "STATUS_NAMES",
    "NewtonResult",
    "as_real_array",
    "broadcast_flat",
    "check_count",
    "damped_newton",
    "golden_section_min",
    "illinois",
    "log2cosh",
    "newton_fd",
    "scalar_or_array",
    "sech2",
]

#: Per-point status codes of the solvers (indices into :data:`STATUS_NAMES`).
CONVERGED, ABSENT, NOT_CONVERGED, INVALID = range(4)
#: Names of the status codes, as carried by the result objects.
STATUS_NAMES = np.array(["converged", "absent", "not_converged", "invalid"])


# ---------------------------------------------------------------------------------------
# argument checks and output shapes


def _interval_text(minimum: float, maximum: float, low_closed: bool, high_closed: bool) -> str:
    left = "[" if low_closed and np.isfinite(minimum) else "("
    right = "]" if high_closed and np.isfinite(maximum) else ")"
    return f"{left}{minimum:g}, {maximum:g}{right}"


def as_real_array(
    name: str,
    value: object,
    *,
    minimum: float = 0.0,
    maximum: float = np.inf,
    include_minimum: bool = True,
    include_maximum: bool = False,
) -> np.ndarray:
    """Return ``value`` as a float array after checking that every entry is finite and in range.

    Parameters
    ----------
    name : str
        Argument name used in the message.
    value : array_like
        Scalar or array of reals.
    minimum, maximum : float, optional
        Interval ends (``-inf`` / ``inf`` for none).
    include_minimum, include_maximum : bool, optional
        Whether the ends belong to the interval.

    Returns
    -------
    ndarray
        ``np.asarray(value, dtype=float)``.

    Raises
    ------
    ValueError
        One line naming the argument, the first offending value and the allowed
        interval, e.g. ``alpha must be finite and in [0, inf), got nan``.

    Examples
    --------
    >>> as_real_array("alpha", [0.0, 0.1]).tolist()
    [0.0, 0.1]
    >>> as_real_array("alpha", float("inf"))
    Traceback (most recent call last):
    ...
    ValueError: alpha must be finite and in [0, inf), got inf
    """
    arr = np.asarray(value, dtype=float)
    with np.errstate(invalid="ignore"):
        low_ok = arr >= minimum if include_minimum else arr > minimum
        high_ok = arr <= maximum if include_maximum else arr < maximum
    bad = ~(low_ok & high_ok & np.isfinite(arr))
    if np.any(bad):
        first = float(arr[bad].flat[0])
        allowed = _interval_text(minimum, maximum, include_minimum, include_maximum)
        raise ValueError(f"{name} must be finite and in {allowed}, got {first:g}")
    return arr


def check_count(name: str, value: object, *, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` after checking that it is an integer ``>= minimum``.

    Python and NumPy integers are accepted; floats (even integral ones) and bools
    are not.

    Parameters
    ----------
    name : str
        Argument name used in the message.
    value : object
        The value to check.
    minimum : int, optional
        Smallest allowed value.

    Returns
    -------
    int
        The value.

    Raises
    ------
    ValueError
        ``{name} must be an integer >= {minimum}, got {value!r}``.
    """
    try:
        if isinstance(value, (bool, np.bool_)):
            raise TypeError
        count = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}") from None
    if count < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return count


def broadcast_flat(*arrays: np.ndarray) -> tuple[tuple[int, ...], list[np.ndarray]]:
    """Broadcast arrays together; return the common shape and flat float copies."""
    arrs = np.broadcast_arrays(*arrays)
    return arrs[0].shape, [a.ravel().astype(float) for a in arrs]


def scalar_or_array(arr: np.ndarray) -> np.ndarray:
    """Return a NumPy scalar for a 0-d array, the array itself otherwise."""
    return arr[()] if arr.ndim == 0 else arr


# ---------------------------------------------------------------------------------------
# elementary functions without overflow or cancellation


def log2cosh(x: np.ndarray) -> np.ndarray:
    """``ln(2 cosh x) = |x| + ln(1 + exp(-2|x|))``, without overflow for large ``|x|``.

    Examples
    --------
    >>> float(log2cosh(0.0)) == float(np.log(2.0))
    True
    >>> float(log2cosh(1000.0))
    1000.0
    """
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax))


def sech2(x: np.ndarray) -> np.ndarray:
    """``sech^2 x = 4 e / (1 + e)^2`` with ``e = exp(-2|x|)``: no cancellation, no overflow.

    Unlike ``1 - tanh(x)**2`` it keeps its relative precision for large ``|x|``.
    """
    e = np.exp(-2.0 * np.abs(x))
    return 4.0 * e / (1.0 + e) ** 2


# ---------------------------------------------------------------------------------------
# damped Newton iteration over a batch of points


@dataclass(frozen=True)
class NewtonResult:
    """Outcome of :func:`damped_newton` for a batch of ``n`` points with ``d`` unknowns.

    Attributes
    ----------
    x : (n, d) ndarray
        The solution where ``status == CONVERGED``; the last iterate elsewhere.
    status : (n,) ndarray of int
        ``CONVERGED``, ``NOT_CONVERGED`` or ``INVALID`` (never ``ABSENT``: that is
        the family's call).
    residual : (n,) ndarray
        ``max_i |F_i|`` at ``x`` (``inf`` where it was not finite).
    n_iter : (n,) ndarray of int
        Evaluations of ``fn`` used by each point.
    det : (n,) ndarray
        ``det(I - dG/dx) = det(-J)`` at the solution; ``nan`` where not converged.
    aux : (n, k) ndarray or None
        The ``aux`` rows returned by ``fn`` at the solution (``nan`` where not
        converged); None if ``fn`` returns none.
    """

    x: np.ndarray
    status: np.ndarray
    residual: np.ndarray
    n_iter: np.ndarray
    det: np.ndarray
    aux: np.ndarray | None


def _det(a: np.ndarray) -> np.ndarray:
    """Return the determinants of a batch of ``(d, d)`` matrices (closed form for d <= 2)."""
    d = a.shape[-1]
    if d == 1:
        return a[:, 0, 0]
    if d == 2:
        return a[:, 0, 0] * a[:, 1, 1] - a[:, 0, 1] * a[:, 1, 0]
    return np.linalg.det(a)


def _solve(a: np.ndarray, f: np.ndarray, det: np.ndarray) -> np.ndarray:
    """Return ``a^{-1} f`` for a batch (Cramer's rule for d <= 2; ``nan`` where singular)."""
    d = a.shape[-1]
    if d == 1:
        return f / det[:, None]
    if d == 2:
        out = np.empty(f.shape)
        out[:, 0] = (a[:, 1, 1] * f[:, 0] - a[:, 0, 1] * f[:, 1]) / det
        out[:, 1] = (a[:, 0, 0] * f[:, 1] - a[:, 1, 0] * f[:, 0]) / det
        return out
    out = np.full(f.shape, np.nan)
    sel = np.isfinite(det) & (det != 0)
    if np.any(sel):
        out[sel] = np.linalg.solve(a[sel], f[sel][..., None])[..., 0]
    return out


def damped_newton(
    fn: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray | None]],
    x0: np.ndarray,
    *,
    lower: np.ndarray | None = None,
    tol: float = 1e-12,
    max_iter: int = 20_000,
    damping: float = 0.5,
    newton_below: float = 0.1,
    trust: float | np.ndarray = 0.3,
    min_decrease: float = 0.5,
    cooldown: int = 25,
) -> NewtonResult:
    r"""Solve ``G(x) = x`` for a batch of independent points: damped iteration, then Newton.

    See the module docstring for the contract of ``fn`` and the rules that choose
    between the damped step ``x + damping F`` and the Newton step
    ``x + (I - dG/dx)^{-1} F`` (with ``F = G(x) - x``).

    Parameters
    ----------
    fn : callable
        ``fn(x, index) -> (F, J, aux)``: residual ``F = G(x) - x`` of shape ``(m, d)``,
        its Jacobian ``J = dF/dx`` of shape ``(m, d, d)`` and by-products ``aux`` of
        shape ``(m, k)`` or None, for the ``m`` points ``index`` of the batch.
    x0 : (n, d) array_like
        Starting points.
    lower : (d,) array_like, optional
        Lower bound of each unknown (``-inf`` for none): damped steps are clipped to it
        and Newton steps below it are refused.
    tol : float, optional
        Convergence threshold on ``max_i |F_i|``.
    max_iter : int, optional
        Iteration cap per point.
    damping : float, optional
        Weight of ``F`` in the damped step, in ``(0, 1]``.
    newton_below : float, optional
        Residual below which Newton steps are tried.
    trust : float or (d,) array_like, optional
        Largest accepted Newton step per unknown.
    min_decrease : float, optional
        A Newton step must multiply the residual by at most this factor.
    cooldown : int, optional
        Iterations without Newton after a rejected Newton step.

    Returns
    -------
    NewtonResult
        Solutions, per-point status, residual, iteration count, ``det(I - dG/dx)``
        and ``aux`` at the solution.

    Examples
    --------
    ``x = cos(x)`` on two identical points, one started far away:

    >>> def fn(x, index):
    ...     return np.cos(x) - x, (-np.sin(x) - 1.0)[:, :, None], None
    >>> res = damped_newton(fn, np.array([[0.5], [3.0]]))
    >>> np.round(res.x[:, 0], 12).tolist(), STATUS_NAMES[res.status].tolist()
    ([0.739085133215, 0.739085133215], ['converged', 'converged'])
    """
    x = np.array(x0, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x0 must have shape (n, d), got shape {x.shape}")
    n, d = x.shape
    lower = np.full(d, -np.inf) if lower is None else np.broadcast_to(np.asarray(lower, float), d)
    trust = np.broadcast_to(np.asarray(trust, dtype=float), (d,))
    status = np.full(n, NOT_CONVERGED)
    residual = np.full(n, np.inf)
    n_iter = np.zeros(n, dtype=int)
    det = np.full(n, np.nan)
    aux_out: np.ndarray | None = None
    # per-point Newton bookkeeping: the point, residual vector and its norm before the step
    prev_x = x.copy()
    prev_f = np.zeros((n, d))
    prev_res = np.full(n, np.inf)
    last_newton = np.zeros(n, dtype=bool)
    wait = np.zeros(n, dtype=int)
    active = np.arange(n)

    for it in range(1, max_iter + 1):
        if active.size == 0:
            break
        xa = x[active]
        f, jac, aux = fn(xa, active)
        res = np.abs(f).max(axis=1)
        res = np.where(np.isfinite(res), res, np.inf)
        n_iter[active] = it

        # a Newton step must reduce the residual enough; otherwise undo it, take a damped
        # step from the previous point and stop trying Newton for a while
        bad = last_newton[active] & ~(res <= min_decrease * prev_res[active]) & ~(res < tol)
        if np.any(bad):
            xa = np.where(bad[:, None], prev_x[active], xa)
            f = np.where(bad[:, None], prev_f[active], f)
            res = np.where(bad, prev_res[active], res)
            wait[active[bad]] = cooldown
        a_mat = -jac  # I - dG/dx
        det_a = _det(a_mat)
        residual[active] = res

        done = (res < tol) & ~bad
        invalid = ~np.isfinite(res) & ~done
        idx_done = active[done]
        status[idx_done] = CONVERGED
        status[active[invalid]] = INVALID
        x[idx_done] = xa[done]
        det[idx_done] = det_a[done]
        if aux is not None:
            if aux_out is None:
                aux_out = np.full((n, aux.shape[1]), np.nan)
            aux_out[idx_done] = aux[done]

        new_x = np.maximum(xa + damping * f, lower)
        try_newton = (res < newton_below) & (wait[active] == 0) & ~bad & (det_a > 0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            nx = xa + _solve(a_mat, f, det_a)
        ok = try_newton & (np.isfinite(nx) & (np.abs(nx - xa) <= trust) & (nx >= lower)).all(1)
        new_x = np.where(ok[:, None], nx, new_x)

        prev_x[active], prev_f[active], prev_res[active] = xa, f, res
        last_newton[active] = ok
        wait[active] = np.maximum(wait[active] - 1, 0)

        keep = ~(done | invalid)
        x[active[keep]] = new_x[keep]
        active = active[keep]

    return NewtonResult(x=x, status=status, residual=residual, n_iter=n_iter, det=det, aux=aux_out)


def newton_fd(
    fn: Callable[..., np.ndarray],
    x0: np.ndarray,
    *,
    max_step: np.ndarray,
    lower: np.ndarray | None = None,
    xtol: np.ndarray | None = None,
    ftol: float = 1e-11,
    rel_step: float = 1e-6,
    min_abs: float = 1e-3,
    max_iter: int = 40,
) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method on a small square system ``fn(*x) = 0`` with a difference Jacobian.

    Meant for polishing a point found by bracketing, e.g. a saddle-node of the RS
    equations solved together with the control parameter where it occurs. All points
    iterate together until every one has converged or ``max_iter`` is reached.

    Parameters
    ----------
    fn : callable
        ``fn(x_0, ..., x_{d-1}) -> (d, n)`` array, each argument of shape ``(n,)``.
    x0 : (d, n) array_like
        Starting points (one column per point).
    max_step : (d,) array_like
        A step is scaled down (as a whole) until ``|dx_i| <= max_step_i``.
    lower : (d,) array_like, optional
        Lower bounds, applied after each step (``-inf`` for none).
    xtol : (d,) array_like, optional
        Converged needs ``|dx_i| < xtol_i`` (``inf`` to ignore a component).
    ftol : float, optional
        Converged needs ``max_i |F_i| < ftol``.
    rel_step, min_abs : float, optional
        Central differences with step ``rel_step * max(|x_i|, min_abs)``.
    max_iter : int, optional
        Iteration cap.

    Returns
    -------
    x : (d, n) ndarray
        Final iterates.
    ok : (n,) ndarray of bool
        Converged points (judged on the last step).
    """
    x = np.array(x0, dtype=float)
    d, n = x.shape
    max_step = np.asarray(max_step, dtype=float).reshape(d, 1)
    lower = np.full((d, 1), -np.inf) if lower is None else np.asarray(lower, float).reshape(d, 1)
    xtol = np.full((d, 1), np.inf) if xtol is None else np.asarray(xtol, float).reshape(d, 1)
    ok = np.zeros(n, dtype=bool)
    for _ in range(max_iter):
        f0 = fn(*x)
        jac = np.empty((n, d, d))
        for k in range(d):
            dx = np.zeros_like(x)
            dx[k] = rel_step * np.maximum(np.abs(x[k]), min_abs)
            fp = fn(*(x + dx))
            fm = fn(*(x - dx))
            jac[:, :, k] = ((fp - fm) / (2.0 * dx[k])).T
        with np.errstate(all="ignore"):
            step = np.linalg.solve(jac, -f0.T[..., None])[..., 0].T
        step = np.where(np.isfinite(step), step, 0.0)
        scale = np.maximum(1.0, np.max(np.abs(step) / max_step, axis=0))
        x = np.maximum(x + step / scale, lower)
        ok = (np.max(np.abs(f0), axis=0) < ftol) & np.all(np.abs(step) < xtol, axis=0)
        if np.all(ok):
            break
    return x, ok


# ---------------------------------------------------------------------------------------
# brackets: roots and minima


def illinois(
    func: Callable[[np.ndarray, np.ndarray], np.ndarray],
    lo: np.ndarray,
    hi: np.ndarray,
    f_lo: np.ndarray,
    f_hi: np.ndarray,
    *,
    n_iter: int = 60,
    xtol: float = 1e-12,
) -> np.ndarray:
    """Vectorised Illinois (modified regula falsi) root finding on brackets ``[lo, hi]``.

    Parameters
    ----------
    func : callable
        ``func(x, active) -> f(x)``: ``x`` holds the trial points of the brackets that
        are still open, ``active`` is the boolean mask of those brackets.
    lo, hi : (n,) array_like
        Bracket ends, with ``f_lo`` and ``f_hi`` of opposite signs.
    f_lo, f_hi : (n,) array_like
        Function values at the ends.
    n_iter : int, optional
        Iteration cap.
    xtol : float, optional
        A bracket is closed once ``|hi - lo| <= xtol * max(1, |hi|)``.

    Returns
    -------
    ndarray
        Midpoints of the final brackets.

    Examples
    --------
    >>> root = illinois(lambda x, act: x**2 - 2.0, [1.0], [2.0], [-1.0], [2.0])
    >>> round(float(root[0]), 12)
    1.414213562373
    """
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


def golden_section_min(
    func: Callable[[np.ndarray], np.ndarray],
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    n_iter: int = 28,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised golden-section search for the minimum of unimodal functions on ``[lo, hi]``.

    Parameters
    ----------
    func : callable
        ``func(x) -> f(x)`` for one trial point per bracket (shape ``(n,)``).
    lo, hi : (n,) array_like
        Brackets.
    n_iter : int, optional
        Iterations; each shrinks the brackets by ``0.618``.

    Returns
    -------
    x_min : (n,) ndarray
        Midpoints of the two final interior points.
    f_min : (n,) ndarray
        Smallest of the two final function values.

    Examples
    --------
    >>> x, f = golden_section_min(lambda x: (x - 0.3) ** 2, np.zeros(1), np.ones(1), n_iter=60)
    >>> round(float(x[0]), 8), float(f[0]) < 1e-16
    (0.3, True)
    """
    inv_phi = (np.sqrt(5.0) - 1.0) / 2.0
    lo = np.array(lo, dtype=float)
    hi = np.array(hi, dtype=float)
    x1 = hi - inv_phi * (hi - lo)
    x2 = lo + inv_phi * (hi - lo)
    f1 = func(x1)
    f2 = func(x2)
    for _ in range(n_iter):
        left = f1 < f2
        hi = np.where(left, x2, hi)
        lo = np.where(left, lo, x1)
        x2n = np.where(left, x1, lo + inv_phi * (hi - lo))
        x1n = np.where(left, hi - inv_phi * (hi - lo), x2)
        x_new = np.where(left, x1n, x2n)
        f_new = func(x_new)
        f1, f2 = np.where(left, f_new, f2), np.where(left, f1, f_new)
        x1, x2 = x1n, x2n
    return 0.5 * (x1 + x2), np.minimum(f1, f2)


def largest_passing(passes, start: int, limit: int) -> int:
    """Return the largest integer ``n`` in ``[start, limit]`` with ``passes(n)``.

    For a test that holds at ``start`` and, once it fails, fails for every larger ``n``
    (a capacity): doubling from ``start``, then bisection on the integers.
    """
    lo, hi = start, 2 * start
    while hi <= limit and passes(hi):
        lo, hi = hi, 2 * hi
    hi = min(hi, limit + 1)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if passes(mid) else (lo, mid)
    return lo
