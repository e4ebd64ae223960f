r"""Low-load theory of the multitasking Hebbian network: diluted patterns, ``3^K`` states.

Model
-----
``K`` patterns with entries ``xi_i^mu`` in ``{-1, 0, +1}``, drawn independently with
``P(0) = d`` (the dilution: the fraction of blank entries) and ``P(+1) = P(-1) =
(1 - d) / 2``, stored by the Hebbian rule

.. math::

    H(\sigma) = -\frac{1}{2N}\sum_{i\ne j}\sum_{\mu=1}^K
        \xi_i^\mu\xi_j^\mu\sigma_i\sigma_j
    \qquad(\text{unnormalized: } T_c = 1 - d),

at low load: ``K`` finite, ``N -> infinity`` (Agliari, Barra, Galluzzi, Guerra,
Moauro, Phys. Rev. Lett. 109, 268101 (2012); Agliari, Barra, Galluzzi, Isopi,
arXiv:1304.4488; Bartolucci, Annibale, J. Phys. A 47, 415001 (2014)). Every public
function takes ``normalized=False``; ``normalized=True`` divides ``H`` by ``1 - d``
(the convention of the papers that put ``T_c = 1``). The two are one theory: the
normalized network at temperature ``T`` is the unnormalized one at ``T (1 - d)``,
with free energy and Hessian divided by ``1 - d``; the overlaps are the same.

Equations
---------
Mean-field free energy per spin of the overlaps ``m = (m_1, ..., m_K)``,
``beta = 1 / T``, unnormalized convention:

.. math::

    f(\mathbf m) = \frac12\sum_\mu m_\mu^2
        - \frac1\beta\bigl\langle\ln 2\cosh(\beta\,\mathbf m\cdot\boldsymbol\xi)
        \bigr\rangle_\xi ,

so ``f(0) = -T ln 2`` (the ``ln 2`` is kept); the removed diagonal leaves
``K (1 - d) / (2N)``, which vanishes at low load, so there is no further constant. The
average runs over the ``3^K`` configurations of ``xi`` with weight
``d^(#blanks) ((1 - d) / 2)^(#non-blanks)``, **exactly** (a finite sum, never a
sample). Its stationary points solve

.. math::

    m_\mu = \bigl\langle\xi^\mu\tanh(\beta\,\mathbf m\cdot\boldsymbol\xi)\bigr\rangle_\xi,

and its Hessian is

.. math::

    A_{\mu\nu} = \delta_{\mu\nu} - \beta\bigl\langle\xi^\mu\xi^\nu\,
        \mathrm{sech}^2(\beta\,\mathbf m\cdot\boldsymbol\xi)\bigr\rangle_\xi ;

a state is *stable* (a local minimum of ``f``) when all eigenvalues of ``A`` are
``> 0``. ``A`` is also ``-J`` with ``J`` the Jacobian of the residual
``<xi tanh(...)> - m`` that the core's damped Newton iteration
(:func:`hebbian.theory._core.damped_newton`) uses. At ``d = 0`` everything reduces to
the binary mixtures of :mod:`hebbian.theory.mixtures` (e.g. the Hessian to
:func:`~hebbian.theory.mixtures.overlap_hessian`). ``T = 0`` is the limit
``T -> 0+``: ``tanh -> sign`` (``sign 0 = 0``), ``f -> |m|^2 / 2 - <|m . xi|>``, and an
eigenvalue of ``A`` is ``-inf`` along every direction in which a non-blank ``xi``
meets a zero field ``m . xi = 0`` (``1`` otherwise).

States (each a :class:`MultitaskingState`): the *pure* state (one overlap), the
*symmetric n-mixture* (``n`` equal overlaps), the *parallel* state (all ``K``
overlaps equal: the ``K``-mixture), the *hierarchical* state (reached from the ``T =
0`` cascade ``m_k = (1 - d) d^(k-1)``) and the *paramagnet*. Symmetric states solve a
1-d equation with the exact distribution of ``z_n = xi^1 + ... + xi^n``.

Numerics, cost and memory
-------------------------
``f`` is a difference of ``|m|^2 / 2`` and the convex ``T <ln 2cosh(beta m . xi)>``,
whose gradient is ``G``; so the plain iteration ``m <- G(m)`` lowers ``f`` at every
step (a concave-convex procedure) and is the damped step of the core's iteration with
``damping = 1``. :func:`solve_multitasking` runs the core's damped Newton iteration for
at most ``STAGE_ONE_ITER = 100`` steps; the few points still moving then sit near a
bifurcation of the states (a small Hessian eigenvalue, where the iteration crawls and
cubic terms defeat Newton's method) and are finished by saddle-free Newton steps with a
line search on ``f``; anything left gets the rest of ``max_iter`` in the core's
iteration. Points with ``T >= T_c`` get ``m = 0`` without iterating (the only
solution there). A batch of ``P`` points with ``K`` patterns costs ``O(P 3^K K^2 / 2)`` per
iteration (the configurations ``xi`` and ``-xi`` are folded together). Points are solved
in chunks of ``max(1, 2^20 // C)`` points, ``C = (3^K - 1) / 2``, so that each work
array holds at most ``2^20`` doubles (8 MiB): peak memory below about 80 MiB plus the
``(P, K)`` inputs and outputs, whatever ``K`` and ``P``. ``K <= 10`` is accepted;
``K <= 8`` is practical on grids (``K = 5`` on a 200 x 200 grid: a few seconds on two
cores; ``K = 8``: about 5 ms per point), ``K = 9, 10`` at single points.

Learning version
----------------
:func:`solve_multitasking_learning` solves the low-load equations of a network that
learns diluted archetypes from examples (Agliari, Alessandrelli, Barra,
Ricci-Tersenghi, J. Stat. Mech. (2023) 113401): the field carries Gaussian noise of
variance ``rho`` (the dataset entropy) per pattern; see its docstring.

The derivations that are the project's own (the cascade criterion, ``T_c = 1 - d``,
the ``T = 0`` energies, the quartic Landau coefficient behind the parallel window
and the reduction of the learning equations) are in ``docs/theory/multitasking.md``.

References
----------
E. Agliari, A. Barra, A. Galluzzi, F. Guerra, F. Moauro, Phys. Rev. Lett. 109, 268101
(2012) (arXiv:1111.5191).
E. Agliari, A. Barra, A. Galluzzi, M. Isopi, arXiv:1304.4488 (2013).
S. Bartolucci, A. Annibale, J. Phys. A 47, 415001 (2014) (arXiv:1405.2454).
E. Agliari, A. Alessandrelli, A. Barra, F. Ricci-Tersenghi, J. Stat. Mech. (2023)
113401 (arXiv:2308.04106).
D. J. Amit, H. Gutfreund, H. Sompolinsky, Phys. Rev. A 32, 1007 (1985) (``d = 0``).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from hebbian.theory._core import (
    ABSENT,
    CONVERGED,
    INVALID,
    NOT_CONVERGED,
    STATUS_NAMES,
    as_real_array,
    broadcast_flat,
    check_count,
    damped_newton,
    golden_section_min,
    illinois,
    log2cosh,
    scalar_or_array,
    sech2,
)
from hebbian.theory._gauss import field_rule_groups

__all__ = [
    "LearningState",
    "MultitaskingPhaseDiagram",
    "MultitaskingState",
    "cascade_overlaps",
    "classify_overlaps",
    "critical_temperature",
    "hierarchical_energy_zero_temperature",
    "hierarchical_is_fixed_point",
    "cascade_misaligned_fraction",
    "hierarchical_state",
    "hierarchical_threshold_dilution",
    "multitasking_free_energy",
    "multitasking_hessian",
    "multitasking_hessian_eigenvalues",
    "multitasking_map",
    "multitasking_phase_diagram",
    "multitasking_states",
    "parallel_onset_temperature",
    "parallel_stability_intervals",
    "parallel_state",
    "parallel_threshold_dilution",
    "pure_state",
    "solve_multitasking",
    "solve_multitasking_learning",
    "symmetric_mixture_energy_zero_temperature",
    "symmetric_mixture_state",
]

#: Largest number of patterns for the exact ``3^K`` averages.
MAX_PATTERNS = 10
#: Largest number of patterns of the learning equations (``3^K`` Gaussian averages).
MAX_LEARNING_PATTERNS = 8
#: Work arrays of a chunk hold at most this many doubles (points x configurations).
CHUNK_ELEMENTS = 2**20
#: Same for the learning equations (points x configurations; each has <= ~400 nodes).
LEARNING_CHUNK_ELEMENTS = 2**12
#: Iterations of the core's damped Newton before the slow points go to :func:`_descend`.
STAGE_ONE_ITER = 100
#: ``|m . xi|`` at or below this is a zero field at ``T = 0``.
ZERO_FIELD = 1e-12
#: An overlap below this counts as zero (a collapsed state).
ZERO_OVERLAP = 1e-9
#: Dilution above which the parallel state is stable just below ``T_c`` (Landau, any K).
PARALLEL_CRITICAL_DILUTION = 2.0 / 3.0


# ---------------------------------------------------------------------------------------
# result objects


@dataclass(frozen=True)
class MultitaskingState:
    """A low-load state of the multitasking network on a grid of points.

    Attributes
    ----------
    name : str
        ``"pure"``, ``"mixture<n>"``, ``"parallel"``, ``"hierarchical"``,
        ``"paramagnet"``, ``"solution"`` (from :func:`solve_multitasking`), or the label
        of :func:`classify_overlaps` (from :func:`multitasking_states`).
    overlaps : ndarray
        ``m``, shape ``grid + (K,)``; ``nan`` where the state was not found.
    free_energy : ndarray
        ``f(m)`` per spin in the chosen convention, shape ``grid``.
    hessian_eigenvalues : ndarray
        Eigenvalues of the Hessian ``A`` of ``f`` (ascending), shape ``grid + (K,)``.
    stable : ndarray of bool
        Converged and all eigenvalues ``> 0``.
    converged : ndarray of bool
        ``status == "converged"``.
    status : ndarray of str
        ``"converged"``, ``"absent"`` (the iteration fell onto ``m = 0``: no such state),
        ``"not_converged"`` or ``"invalid"``.
    """

    name: str
    overlaps: np.ndarray
    free_energy: np.ndarray
    hessian_eigenvalues: np.ndarray
    stable: np.ndarray
    converged: np.ndarray
    status: np.ndarray


@dataclass(frozen=True)
class LearningState:
    """Solution of the low-load learning equations (:func:`solve_multitasking_learning`).

    Attributes
    ----------
    example_overlaps : ndarray
        ``n``, shape ``grid + (K,)``: the order parameters of the fixed point.
    overlaps : ndarray
        ``m = <xi tanh(beta h)>``, the overlaps with the archetypes, shape ``grid + (K,)``.
    free_energy : ndarray
        ``f(n) = (1 + rho) |n|^2 / 2 - T <ln 2cosh(beta h)>`` per spin (its stationary
        points are the equations), in the chosen convention, shape ``grid``.
    hessian_eigenvalues : ndarray
        Ascending eigenvalues of the Hessian of ``f`` in ``n``, shape ``grid + (K,)``.
    stable : ndarray of bool
        Converged and all eigenvalues ``> 0``.
    converged : ndarray of bool
        ``status == "converged"``.
    status : ndarray of str
        ``"converged"``, ``"not_converged"`` or ``"invalid"``.
    """

    example_overlaps: np.ndarray
    overlaps: np.ndarray
    free_energy: np.ndarray
    hessian_eigenvalues: np.ndarray
    stable: np.ndarray
    converged: np.ndarray
    status: np.ndarray


@dataclass(frozen=True)
class MultitaskingPhaseDiagram:
    """States of the network on a ``(d, T)`` grid (:func:`multitasking_phase_diagram`).

    Attributes
    ----------
    n_patterns : int
        ``K``.
    normalized : bool
        The convention of ``temperature`` and ``free_energy``.
    dilution, temperature : (n_d,), (n_t,) ndarray
        The axes.
    states : tuple of str
        ``("paramagnet", "pure", "mixture2", ..., "parallel", "hierarchical")``.
    overlaps : (n_states, n_d, n_t, K) ndarray
        ``m`` of each state (``nan`` where it does not exist).
    free_energy : (n_states, n_d, n_t) ndarray
        ``f`` of each state (``nan`` where it does not exist).
    exists : (n_states, n_d, n_t) ndarray of bool
        The state was found (the hierarchical one: its iteration converged to overlaps
        that :func:`classify_overlaps` calls ``"hierarchical"``).
    stable : (n_states, n_d, n_t) ndarray of bool
        Exists and is a local minimum of ``f``.
    lowest : (n_d, n_t) ndarray of int
        Index into ``states`` of the stable state with the lowest ``f``; ``-1`` if none
        of the listed states is stable.
    """

    n_patterns: int
    normalized: bool
    dilution: np.ndarray
    temperature: np.ndarray
    states: tuple[str, ...]
    overlaps: np.ndarray
    free_energy: np.ndarray
    exists: np.ndarray
    stable: np.ndarray
    lowest: np.ndarray


# ---------------------------------------------------------------------------------------
# checks and conventions


def _check_patterns(value: object, maximum: int = MAX_PATTERNS, name: str = "K") -> int:
    k = check_count(name, value)
    if k > maximum:
        raise ValueError(f"{name} must be an integer in [1, {maximum}], got {value!r}")
    return k


def _check_dilution(value: object) -> np.ndarray:
    return as_real_array("dilution", value, minimum=0.0, maximum=1.0)


def _check_temperature(value: object, *, positive: bool = False) -> np.ndarray:
    return as_real_array("temperature", value, include_minimum=not positive)


def _check_overlaps(value: object, maximum: int = MAX_PATTERNS) -> np.ndarray:
    m = np.asarray(value, dtype=float)
    if m.ndim < 1 or not 1 <= m.shape[-1] <= maximum:
        raise ValueError(
            f"overlaps must have a last axis of length K in [1, {maximum}], got shape {m.shape}"
        )
    if not np.all(np.isfinite(m)):
        raise ValueError("overlaps must be finite")
    return m


def _convention(
    d: np.ndarray, t: np.ndarray, normalized: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``beta`` of the unnormalized network (``inf`` at ``T = 0``), ``T_eff``, scale.

    The normalized network at ``T`` is the unnormalized one at ``T (1 - d)``; its ``f`` and
    Hessian are those of the unnormalized one times ``scale = 1 / (1 - d)``.
    """
    t_eff = t * (1.0 - d) if normalized else t.copy()
    with np.errstate(divide="ignore"):
        beta = np.where(t_eff > 0, 1.0 / np.where(t_eff > 0, t_eff, 1.0), np.inf)
    scale = 1.0 / (1.0 - d) if normalized else np.ones_like(d)
    return beta, t_eff, scale


def _status_names(status: np.ndarray) -> np.ndarray:
    return STATUS_NAMES[status]


# ---------------------------------------------------------------------------------------
# the 3^K configurations


@functools.lru_cache(maxsize=MAX_PATTERNS)
def _configurations(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Non-blank configurations with first non-zero entry ``+1`` and their blank counts.

    ``xi`` and ``-xi`` have the same weight and give the same ``xi tanh(beta m . xi)``,
    ``xi xi^T sech^2`` and ``ln 2cosh``, so the ``(3^K - 1) / 2`` representatives carry
    twice the weight; the all-blank configuration only adds ``d^K ln 2`` to ``f``.
    """
    allc = np.array(list(itertools.product((0, 1, -1), repeat=k)), dtype=np.int8)
    nonzero = allc != 0
    first = np.argmax(nonzero, axis=1)
    keep = nonzero.any(axis=1) & (allc[np.arange(allc.shape[0]), first] == 1)
    xi = allc[keep].astype(float)
    blanks = (xi == 0).sum(axis=1)
    xi.setflags(write=False)
    blanks.setflags(write=False)
    return xi, blanks


def _weights(d: np.ndarray, blanks: np.ndarray, k: int) -> np.ndarray:
    """Weights ``2 d^b ((1 - d) / 2)^(K - b)`` of the representatives, shape ``(P, C)``."""
    j = np.arange(k + 1)
    table = d[:, None] ** j * ((1.0 - d) / 2.0)[:, None] ** (k - j)
    return 2.0 * table[:, blanks]


def _chunks(n: int, per_point: int, budget: int = CHUNK_ELEMENTS) -> list[slice]:
    size = max(1, budget // max(per_point, 1))
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


def _tanh_beta_sech2(u: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``tanh(beta u)`` and ``beta sech^2(beta u)`` (rows with ``beta = inf``: ``T = 0``)."""
    finite = np.isfinite(beta)
    b = np.where(finite, beta, 0.0)[:, None]
    x = b * u
    e = np.exp(-2.0 * np.abs(x))
    th = np.sign(x) * (1.0 - e) / (1.0 + e)
    s = b * 4.0 * e / (1.0 + e) ** 2
    if not np.all(finite):
        zero_t = ~finite
        th[zero_t] = np.where(np.abs(u[zero_t]) > ZERO_FIELD, np.sign(u[zero_t]), 0.0)
        s[zero_t] = 0.0
    return th, s


def _outer(xi: np.ndarray) -> np.ndarray:
    return (xi[:, :, None] * xi[:, None, :]).reshape(xi.shape[0], -1)


def _residual_fn(xi, xx, w_all, b_all):
    """Return ``fn`` for :func:`damped_newton`: residual ``G(m) - m``, Jacobian ``-A``."""
    k = xi.shape[1]
    eye = np.eye(k)
    xi_t = np.ascontiguousarray(xi.T)

    def fn(x, index):
        w = w_all[index]
        th, s = _tanh_beta_sech2(x @ xi_t, b_all[index])
        g = (w * th) @ xi
        jac = ((w * s) @ xx).reshape(-1, k, k) - eye
        return g - x, jac, None

    return fn


def _energy_fn(xi, w_all, beta, t_eff, d):
    """Return ``energy(x, index) -> f`` (unnormalized, ``T > 0``) for :func:`_descend`."""
    const = d ** xi.shape[1] * np.log(2.0)
    xi_t = np.ascontiguousarray(xi.T)

    def energy(x, index):
        lc = np.sum(w_all[index] * log2cosh(beta[index, None] * (x @ xi_t)), axis=1)
        return 0.5 * np.sum(x * x, axis=1) - t_eff[index] * (const[index] + lc)

    return energy


def _staged_solve(
    make_fn, make_energy, x0, per_point, budget, *, tol, max_iter, finite, paramagnetic
):
    """Solve a gradient system ``F = 0`` point by point in three stages; ``(x, status)``.

    ``make_fn(idx)`` and ``make_energy(idx)`` build the residual of :func:`damped_newton`
    and the free energy for the flat points ``idx``. Points with ``paramagnetic`` set
    (``T >= T_c``, where ``x = 0`` is the only solution; ``docs/theory/multitasking.md``)
    get ``x = 0`` without iterating: at ``T_c`` itself the iteration would stop at
    ``|x| ~ tol^(1/3)``. Stage 1: the core's damped Newton
    iteration, ``min(max_iter, STAGE_ONE_ITER)`` iterations per chunk, with ``damping =
    1``: the plain iteration ``x <- G(x)``, which lowers ``f`` at every step because ``G``
    is the gradient of a convex function (a concave-convex procedure). Stage 2, for the
    points where the iteration crawls (near a bifurcation, where Newton steps fail too)
    and ``T > 0`` (``finite``): :func:`_descend`. Stage 3: whatever is left gets the rest
    of ``max_iter`` in the core's iteration.
    """
    n = x0.shape[0]
    x = np.array(x0, dtype=float)
    status = np.full(n, INVALID)
    x[paramagnetic] = 0.0
    status[paramagnetic] = CONVERGED
    todo = np.flatnonzero(~paramagnetic)
    first = min(max_iter, STAGE_ONE_ITER)
    for part in _chunks(todo.size, per_point, budget):
        idx = todo[part]
        res = damped_newton(make_fn(idx), x[idx], tol=tol, max_iter=first, damping=1.0)
        x[idx], status[idx] = res.x, res.status
    slow = np.flatnonzero((status == NOT_CONVERGED) & finite)
    for part in _chunks(slow.size, per_point, budget):
        idx = slow[part]
        x[idx], status[idx] = _descend(make_fn(idx), make_energy(idx), x[idx], tol=tol)
    left = np.flatnonzero(status == NOT_CONVERGED)
    if max_iter > first:
        for part in _chunks(left.size, per_point, budget):
            idx = left[part]
            res = damped_newton(
                make_fn(idx), x[idx], tol=tol, max_iter=max_iter - first, damping=1.0
            )
            x[idx], status[idx] = res.x, res.status
    return x, status


def _general_solve(
    x0: np.ndarray, d: np.ndarray, beta: np.ndarray, *, tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``m = <xi tanh(beta m . xi)>`` for flat points (:func:`_staged_solve`)."""
    k = x0.shape[1]
    xi, blanks = _configurations(k)
    xx = _outer(xi)

    def make_fn(idx):
        return _residual_fn(xi, xx, _weights(d[idx], blanks, k), beta[idx])

    def make_energy(idx):
        return _energy_fn(xi, _weights(d[idx], blanks, k), beta[idx], 1.0 / beta[idx], d[idx])

    return _staged_solve(
        make_fn,
        make_energy,
        x0,
        xi.shape[0],
        CHUNK_ELEMENTS,
        tol=tol,
        max_iter=max_iter,
        finite=np.isfinite(beta),
        paramagnetic=beta * (1.0 - d) <= 1.0 + 1e-13,
    )


def _descend(fn, energy, x: np.ndarray, *, tol: float, max_iter: int = 200):
    """Minimise ``f`` by saddle-free Newton steps with a backtracking line search.

    For gradient systems whose damped iteration crawls: near a bifurcation of the states,
    where an eigenvalue of the Hessian is small and the cubic terms of the gradient
    defeat Newton's method. ``fn(x, index) -> (F, J, aux)`` is the residual of
    :func:`damped_newton` with ``F`` a positive multiple of ``-grad f`` and ``J`` the same
    multiple of minus the Hessian; ``energy(x, index) -> f``. The step is
    ``V |Lambda|^{-1} V^T F`` (``-J = V Lambda V^T``; Dauphin et al., NeurIPS 2014), a
    descent direction even where the Hessian is indefinite, at most 0.1 in each unknown,
    halved until ``f`` decreases (Armijo, ``1e-4``); near a minimum (positive Hessian,
    step below ``1e-6``) the full Newton step is taken. Returns ``(x, status)`` with
    ``CONVERGED`` where ``max |F| < tol``.
    """
    n = x.shape[0]
    x = np.array(x, dtype=float)
    status = np.full(n, NOT_CONVERGED)
    active = np.arange(n)
    for _ in range(max_iter):
        if active.size == 0:
            break
        xa = x[active]
        f_res, jac, _ = fn(xa, active)
        res = np.abs(f_res).max(axis=1)
        conv = res < tol
        bad = ~np.isfinite(res)
        status[active[conv]] = CONVERGED
        status[active[bad]] = INVALID
        keep = ~(conv | bad)
        active, xa, f_res, jac = active[keep], xa[keep], f_res[keep], jac[keep]
        if active.size == 0:
            break
        lam, vec = np.linalg.eigh(-jac)
        coef = np.einsum("nji,nj->ni", vec, f_res) / np.maximum(np.abs(lam), 1e-12)
        step = np.einsum("nij,nj->ni", vec, coef)
        step /= np.maximum(1.0, np.abs(step).max(axis=1) / 0.1)[:, None]
        newton = np.all(lam > 0, axis=1) & (np.abs(step).max(axis=1) < 1e-6)
        slope = -np.sum(f_res * step, axis=1)
        f0 = energy(xa, active)
        scale = np.ones(active.size)
        todo = ~newton
        for _ in range(50):
            if not np.any(todo):
                break
            sub = np.flatnonzero(todo)
            ft = energy(xa[sub] + scale[sub, None] * step[sub], active[sub])
            ok = ft <= f0[sub] + 1e-4 * scale[sub] * slope[sub] + 1e-15 * np.abs(f0[sub])
            scale[sub[~ok]] *= 0.5
            todo[sub[ok]] = False
        x[active] = xa + scale[:, None] * step
    return x, status


def _general_evaluate(
    m: np.ndarray, d: np.ndarray, beta: np.ndarray, t_eff: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``G(m)``, ``f(m)`` and the Hessian ``A`` (``T > 0``; limit eigen-structure at ``T = 0``).

    Returns ``(g, f, eig)`` for flat points: ``g`` of shape ``(P, K)``, ``f`` ``(P,)`` and
    the ascending eigenvalues ``(P, K)`` of ``A`` (unnormalized convention).
    """
    n, k = m.shape
    xi, blanks = _configurations(k)
    xx = _outer(xi)
    g = np.empty((n, k))
    f = np.empty(n)
    eig = np.empty((n, k))
    for sl in _chunks(n, xi.shape[0]):
        mm, dd, bb, tt = m[sl], d[sl], beta[sl], t_eff[sl]
        w = _weights(dd, blanks, k)
        u = mm @ xi.T
        th, s = _tanh_beta_sech2(u, bb)
        g[sl] = (w * th) @ xi
        finite = np.isfinite(bb)
        lc = np.where(finite[:, None], log2cosh(np.where(finite, bb, 0.0)[:, None] * u), 0.0)
        fin_part = tt * (dd**k * np.log(2.0) + np.sum(w * lc, axis=1))
        zero_part = np.sum(w * np.abs(u), axis=1)
        f[sl] = 0.5 * np.sum(mm * mm, axis=1) - np.where(finite, fin_part, zero_part)
        a = np.eye(k) - ((w * s) @ xx).reshape(-1, k, k)
        lam = np.linalg.eigvalsh(a)
        if not np.all(finite):
            # T -> 0+: beta sech^2(beta u) -> 2 delta(u); A -> I - inf * B on range(B)
            zw = np.where(np.abs(u) <= ZERO_FIELD, w, 0.0)
            b = (zw @ xx).reshape(-1, k, k)
            lam_b = np.linalg.eigvalsh(b)
            lam_zero = np.sort(np.where(lam_b > 1e-14, -np.inf, 1.0), axis=1)
            lam = np.where(finite[:, None], lam, lam_zero)
        eig[sl] = lam
    return g, f, eig


# ---------------------------------------------------------------------------------------
# the symmetric states: exact distribution of z_n = xi^1 + ... + xi^n


def _z_distribution(n: int, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Support ``-n..n`` and probabilities ``(P, 2n + 1)`` of ``z_n`` (``n >= 0``)."""
    p = ((1.0 - d) / 2.0)[:, None]
    dd = d[:, None]
    prob = np.ones((d.size, 1))
    for _ in range(n):
        new = np.zeros((d.size, prob.shape[1] + 2))
        new[:, :-2] += prob * p
        new[:, 1:-1] += prob * dd
        new[:, 2:] += prob * p
        prob = new
    return np.arange(-n, n + 1, dtype=float), prob


def _symmetric_solve(
    n: int, d: np.ndarray, beta: np.ndarray, *, tol: float = 1e-13, max_iter: int = 20_000
) -> tuple[np.ndarray, np.ndarray]:
    """Overlap of the symmetric ``n``-mixture, ``m = (1/n) <z_n tanh(beta m z_n)>``.

    Returns ``(m, status)``: ``m = <|z_n|> / n`` at ``T = 0``; ``ABSENT`` (``m = nan``) for
    ``beta (1 - d) <= 1`` (only ``m = 0`` solves it) or where it collapsed onto 0.
    """
    z, prob = _z_distribution(n, d)
    m0 = prob @ np.abs(z) / n
    m = np.full(d.size, np.nan)
    status = np.full(d.size, ABSENT)
    zero_t = ~np.isfinite(beta)
    m[zero_t] = m0[zero_t]
    status[zero_t] = CONVERGED
    idx = np.flatnonzero(np.isfinite(beta) & (beta * (1.0 - d) > 1.0 + 1e-13))
    if idx.size:
        pr, bb = prob[idx], beta[idx]

        def fn(x, index):
            xz = bb[index, None] * x * z
            g = np.sum(pr[index] * z * np.tanh(xz), axis=1, keepdims=True) / n
            dg = bb[index] * np.sum(pr[index] * z * z * sech2(xz), axis=1) / n
            return g - x, (dg - 1.0)[:, None, None], None

        res = damped_newton(fn, m0[idx, None], lower=np.zeros(1), tol=tol, max_iter=max_iter)
        mm = res.x[:, 0]
        st = np.where((res.status == CONVERGED) & ~(mm > ZERO_OVERLAP), ABSENT, res.status)
        m[idx] = np.where(st == CONVERGED, mm, np.nan)
        status[idx] = st
    return m, status


def _symmetric_free_energy(
    n: int, d: np.ndarray, beta: np.ndarray, t_eff: np.ndarray, m: np.ndarray
) -> np.ndarray:
    """``f = n m^2 / 2 - T <ln 2cosh(beta m z_n)>`` (``T = 0``: ``n m^2/2 - m <|z_n|>``)."""
    z, prob = _z_distribution(n, d)
    finite = np.isfinite(beta)
    b = np.where(finite, beta, 0.0)
    with np.errstate(invalid="ignore"):
        lc = t_eff * np.sum(prob * log2cosh(b[:, None] * m[:, None] * z), axis=1)
        zero = m * (prob @ np.abs(z))
    return n * m * m / 2.0 - np.where(finite, lc, zero)


def _symmetric_eigenvalues(
    n: int, k: int, d: np.ndarray, beta: np.ndarray, m: np.ndarray
) -> np.ndarray:
    r"""Eigenvalues of ``A`` at the symmetric ``n``-mixture embedded in ``K`` patterns (T > 0).

    With ``g(z) = sech^2(beta m z)``: diagonal ``a = 1 - beta (1 - d) <g(1 + z_{n-1})>``,
    off-diagonal ``b = -beta <xi^1 xi^2 g(z_n)>`` (from
    ``<z_n^2 g> = n <(xi^1)^2 g> + n (n-1) <xi^1 xi^2 g>``): longitudinal ``a + (n-1) b``,
    ``(n-1)``-fold transverse ``a - b``, ``(K-n)``-fold non-condensed
    ``1 - beta (1 - d) <g(z_n)>``. Returned sorted, shape ``(P, K)``.
    """
    z, prob = _z_distribution(n, d)
    z1, prob1 = _z_distribution(n - 1, d)
    bm = (beta * m)[:, None]
    with np.errstate(invalid="ignore"):
        g = sech2(bm * z)
        g1 = sech2(bm * (1.0 + z1))
    mean_g = np.sum(prob * g, axis=1)
    mean_z2g = np.sum(prob * z * z * g, axis=1)
    diag_avg = (1.0 - d) * np.sum(prob1 * g1, axis=1)  # <(xi^1)^2 g(z_n)>
    a = 1.0 - beta * diag_avg
    cols = []
    if n >= 2:
        off = -beta * (mean_z2g - n * diag_avg) / (n * (n - 1))
        cols.append(a + (n - 1) * off)
        cols += [a - off] * (n - 1)
    else:
        cols.append(a)
    cols += [1.0 - beta * (1.0 - d) * mean_g] * (k - n)
    return np.sort(np.stack(cols, axis=1), axis=1)


# ---------------------------------------------------------------------------------------
# the mean-field functions of the overlaps


def _prepare(overlaps, dilution, temperature, *, positive=False, maximum=MAX_PATTERNS):
    m = _check_overlaps(overlaps, maximum)
    d = _check_dilution(dilution)
    t = _check_temperature(temperature, positive=positive)
    k = m.shape[-1]
    shape = np.broadcast_shapes(m.shape[:-1], d.shape, t.shape)
    mf = np.broadcast_to(m, shape + (k,)).reshape(-1, k)
    _, (df, tf) = broadcast_flat(np.broadcast_to(d, shape), np.broadcast_to(t, shape))
    return shape, k, mf, df, tf


def multitasking_map(
    overlaps: np.ndarray,
    dilution: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    normalized: bool = False,
) -> np.ndarray:
    r"""Right-hand side ``G(m) = <xi tanh(beta m . xi)>_xi`` of the self-consistency.

    Exact average over the ``3^K`` diluted configurations (module docstring); with
    ``normalized=True`` the field is ``beta m . xi / (1 - d)``. At ``T = 0`` it is
    ``<xi sign(m . xi)>`` with ``sign 0 = 0``.

    Parameters
    ----------
    overlaps : (..., K) array_like
        ``m``, finite, ``1 <= K <= 10``; leading axes broadcast with the others.
    dilution : array_like
        ``d``, in ``[0, 1)``.
    temperature : array_like
        ``T``, finite and ``>= 0``.
    normalized : bool, optional
        Divide ``H`` by ``1 - d`` (``T_c = 1``) instead of the unnormalized convention
        (``T_c = 1 - d``).

    Returns
    -------
    ndarray
        ``G(m)``, shape ``broadcast + (K,)``.

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.

    Examples
    --------
    At ``T = 0`` the cascade ``(1 - d)(1, d)`` is a fixed point for ``K = 2``:

    >>> multitasking_map([0.5, 0.25], 0.5, 0.0).tolist()
    [0.5, 0.25]
    """
    shape, k, m, d, t = _prepare(overlaps, dilution, temperature)
    beta, t_eff, _ = _convention(d, t, normalized)
    xi, blanks = _configurations(k)
    g = np.empty_like(m)
    for sl in _chunks(m.shape[0], xi.shape[0]):
        th, _ = _tanh_beta_sech2(m[sl] @ xi.T, beta[sl])
        g[sl] = (_weights(d[sl], blanks, k) * th) @ xi
    return g.reshape(shape + (k,))


def multitasking_free_energy(
    overlaps: np.ndarray,
    dilution: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    normalized: bool = False,
) -> np.ndarray:
    r"""Mean-field free energy per spin ``f(m)`` at any overlaps (stationary or not).

    .. math::

        f(\mathbf m) = \frac12\sum_\mu m_\mu^2 - T\,\bigl\langle\ln 2\cosh(\beta\,\mathbf m
            \cdot\boldsymbol\xi)\bigr\rangle_\xi\quad(\text{unnormalized}),

    ``f(0) = -T ln 2`` (no other constant at low load); ``T = 0``: ``|m|^2/2 - <|m . xi|>``.
    Normalized (``H / (1 - d)``): ``|m|^2 / (2 (1 - d)) - T <ln 2cosh(beta m . xi /
    (1 - d))>``. Agliari et al., Phys. Rev. Lett. 109, 268101 (2012).

    Parameters
    ----------
    overlaps : (..., K) array_like
        ``m``, finite, ``1 <= K <= 10``.
    dilution : array_like
        ``d``, in ``[0, 1)``.
    temperature : array_like
        ``T``, finite and ``>= 0``.
    normalized : bool, optional
        Use the normalized convention (``T_c = 1``).

    Returns
    -------
    ndarray
        ``f``, shape ``broadcast``.

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.

    Examples
    --------
    The paramagnet has ``f = -T ln 2``:

    >>> round(float(multitasking_free_energy([0.0, 0.0], 0.3, 1.0)), 12)
    -0.69314718056
    """
    shape, _, m, d, t = _prepare(overlaps, dilution, temperature)
    beta, t_eff, scale = _convention(d, t, normalized)
    _, f, _ = _general_evaluate(m, d, beta, t_eff)
    return scalar_or_array((f * scale).reshape(shape))


def multitasking_hessian(
    overlaps: np.ndarray,
    dilution: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    normalized: bool = False,
) -> np.ndarray:
    r"""Hessian ``A`` of ``f`` in the overlaps (``T > 0``).

    .. math::

        A_{\mu\nu} = \delta_{\mu\nu} - \beta\bigl\langle\xi^\mu\xi^\nu
            \mathrm{sech}^2(\beta\,\mathbf m\cdot\boldsymbol\xi)\bigr\rangle_\xi

    (unnormalized; normalized: the same at ``T (1 - d)``, divided by ``1 - d``). At
    ``d = 0`` it is :func:`hebbian.theory.mixtures.overlap_hessian`.

    Parameters
    ----------
    overlaps : (..., K) array_like
        ``m``, finite, ``1 <= K <= 10``.
    dilution : array_like
        ``d``, in ``[0, 1)``.
    temperature : array_like
        ``T``, finite and ``> 0`` (see :func:`multitasking_hessian_eigenvalues` for
        ``T = 0``).
    normalized : bool, optional
        Use the normalized convention.

    Returns
    -------
    ndarray
        Shape ``broadcast + (K, K)``.

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.
    """
    shape, k, m, d, t = _prepare(overlaps, dilution, temperature, positive=True)
    beta, _, scale = _convention(d, t, normalized)
    xi, blanks = _configurations(k)
    xx = _outer(xi)
    a = np.empty((m.shape[0], k, k))
    for sl in _chunks(m.shape[0], xi.shape[0]):
        _, s = _tanh_beta_sech2(m[sl] @ xi.T, beta[sl])
        w = _weights(d[sl], blanks, k)
        a[sl] = np.eye(k) - ((w * s) @ xx).reshape(-1, k, k)
    return (a * scale[:, None, None]).reshape(shape + (k, k))


def multitasking_hessian_eigenvalues(
    overlaps: np.ndarray,
    dilution: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    normalized: bool = False,
) -> np.ndarray:
    """Ascending eigenvalues of the Hessian ``A`` (:func:`multitasking_hessian`).

    At ``T = 0`` the limit ``T -> 0+`` is taken: ``-inf`` along each direction spanned
    by the non-blank configurations ``xi`` with zero field ``m . xi = 0`` (there
    ``beta sech^2 -> 2 delta``), ``1`` on the rest (pure and symmetric even states of a
    diluted network are unstable at ``T = 0`` for this reason).

    Parameters
    ----------
    overlaps : (..., K) array_like
        ``m``, finite, ``1 <= K <= 10``.
    dilution : array_like
        ``d``, in ``[0, 1)``.
    temperature : array_like
        ``T``, finite and ``>= 0``.
    normalized : bool, optional
        Use the normalized convention.

    Returns
    -------
    ndarray
        Shape ``broadcast + (K,)``.

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.
    """
    shape, k, m, d, t = _prepare(overlaps, dilution, temperature)
    beta, t_eff, scale = _convention(d, t, normalized)
    _, _, eig = _general_evaluate(m, d, beta, t_eff)
    return (eig * scale[:, None]).reshape(shape + (k,))


# ---------------------------------------------------------------------------------------
# solvers and states


def _finish(name, shape, k, m, status, d, beta, t_eff, scale) -> MultitaskingState:
    """Evaluate ``f`` and eigenvalues where converged; build the result object."""
    ok = status == CONVERGED
    f = np.full(m.shape[0], np.nan)
    eig = np.full((m.shape[0], k), np.nan)
    if np.any(ok):
        _, f_ok, eig_ok = _general_evaluate(m[ok], d[ok], beta[ok], t_eff[ok])
        f[ok] = f_ok * scale[ok]
        eig[ok] = eig_ok * scale[ok, None]
    m = np.where(ok[:, None], m, np.nan)
    stable = ok & np.all(eig > 0, axis=1)
    return MultitaskingState(
        name=name,
        overlaps=m.reshape(shape + (k,)),
        free_energy=scalar_or_array(f.reshape(shape)),
        hessian_eigenvalues=eig.reshape(shape + (k,)),
        stable=scalar_or_array(stable.reshape(shape)),
        converged=scalar_or_array(ok.reshape(shape)),
        status=scalar_or_array(_status_names(status).reshape(shape)),
    )


def solve_multitasking(
    start: np.ndarray,
    dilution: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    normalized: bool = False,
    tol: float = 1e-12,
    max_iter: int = 20_000,
) -> MultitaskingState:
    r"""Solve ``m = <xi tanh(beta m . xi)>_xi`` from given starting points.

    The core's damped Newton iteration (:func:`hebbian.theory._core.damped_newton`; its
    Jacobian is ``-A``, the Hessian of ``f``) on a batch: every starting point at every
    ``(d, T)``, in chunks that bound memory; the slow points are finished by saddle-free
    Newton descent on ``f`` (module docstring). The iteration settles on local minima of
    ``f``; Newton can also land on saddles with ``det A > 0`` (then ``stable`` is False).
    ``m = 0`` is a valid answer here (the paramagnet).

    Parameters
    ----------
    start : (..., K) array_like
        Starting overlaps, finite, ``1 <= K <= 10``; the leading axes broadcast with
        ``dilution`` and ``temperature`` (e.g. ``(S, 1, 1, K)`` starts against a
        ``(n_d, 1)`` by ``(n_t,)`` grid).
    dilution : array_like
        ``d``, in ``[0, 1)``.
    temperature : array_like
        ``T``, finite and ``>= 0`` (``T = 0``: the sign map, whose fixed points are reached
        in a few steps).
    normalized : bool, optional
        Use the normalized convention (``H / (1 - d)``, ``T_c = 1``).
    tol : float, optional
        Convergence threshold on ``max |G(m) - m|``.
    max_iter : int, optional
        Iteration cap per point.

    Returns
    -------
    MultitaskingState
        ``name = "solution"``.

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.
    """
    shape, k, m0, d, t = _prepare(start, dilution, temperature)
    beta, t_eff, scale = _convention(d, t, normalized)
    m, status = _general_solve(m0, d, beta, tol=tol, max_iter=max_iter)
    return _finish("solution", shape, k, m, status, d, beta, t_eff, scale)


def cascade_overlaps(n_patterns: int, dilution: np.ndarray | float) -> np.ndarray:
    """Return the ``T = 0`` cascade ``m_k = (1 - d) d^(k-1)``, ``k = 1..K``.

    Each neuron follows the first pattern that is not blank at its site (Agliari et al.,
    Phys. Rev. Lett. 109, 268101 (2012)); a fixed point iff
    :func:`hierarchical_is_fixed_point`.

    Parameters
    ----------
    n_patterns : int
        ``K >= 1``.
    dilution : array_like
        ``d``, in ``[0, 1)``.

    Returns
    -------
    ndarray
        Shape ``dilution.shape + (K,)``.

    Raises
    ------
    ValueError
        One line, for a bad ``K`` or ``d``.

    Examples
    --------
    >>> cascade_overlaps(3, 0.5).tolist()
    [0.5, 0.25, 0.125]
    """
    k = check_count("K", n_patterns)
    d = _check_dilution(dilution)
    return (1.0 - d)[..., None] * d[..., None] ** np.arange(k)


def _geometric_tail(d: np.ndarray, k: int) -> np.ndarray:
    """Return ``d + d^2 + ... + d^(K-1)`` in closed form (any ``K``, no array of powers)."""
    d = np.asarray(d, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = d * (1.0 - d ** (k - 1)) / (1.0 - d)
    return np.where(d < 1.0, tail, float(k - 1))


def hierarchical_is_fixed_point(n_patterns: int, dilution: np.ndarray | float) -> np.ndarray:
    r"""Whether the cascade is a fixed point of the ``T = 0`` equations: ``sum_{s<K} d^s < 1``.

    The worst site has ``xi^1 = +1`` and every later pattern ``-1``; its field
    ``(1 - d)(1 - d - ... - d^(K-1))`` must stay positive (derivation in
    ``docs/theory/multitasking.md``; Agliari et al., Phys. Rev. Lett. 109, 268101 (2012)).

    Parameters
    ----------
    n_patterns : int
        ``K >= 1``.
    dilution : array_like
        ``d``, in ``[0, 1)``.

    Returns
    -------
    ndarray of bool
        Shape of ``dilution``.

    Raises
    ------
    ValueError
        One line, for a bad ``K`` or ``d``.
    """
    k = check_count("K", n_patterns)
    d = _check_dilution(dilution)
    return scalar_or_array(np.asarray(_geometric_tail(d, k) < 1.0))


def cascade_misaligned_fraction(n_patterns: int, dilution: np.ndarray | float) -> np.ndarray:
    """Fraction of pattern 1's non-blank sites whose field at the cascade opposes it.

    At the ``T = 0`` cascade :math:`m_k = (1-d) d^{k-1}` the field of a site where
    :math:`\\xi^1_i \\ne 0` is :math:`\\xi^1_i (m_1 + \\sum_{k \\ge 2} s_k m_k)` with
    :math:`s_k = \\xi^1_i \\xi^k_i \\in \\{-1, 0, +1\\}` (probabilities ``(1-d)/2``,
    ``d``, ``(1-d)/2``). This returns the probability that the bracket is negative: zero
    iff the cascade is a fixed point (:func:`hierarchical_is_fixed_point`; the worst site
    has every later pattern non-blank and opposite), and for ``K = 3`` above ``d_c``
    exactly :math:`((1-d)/2)^2`. To first order it is the fraction of pattern 1's sites
    that the zero-temperature dynamics turn away from it once the cascade breaks (the
    flips change the overlaps by ``O(that fraction)``; Agliari et al., Phys. Rev. Lett.
    109, 268101 (2012); derivation in ``docs/theory/multitasking.md``).

    Parameters
    ----------
    n_patterns : int
        ``K``, ``1 <= K <= 10``.
    dilution : array_like
        ``d``, in ``[0, 1)``.

    Returns
    -------
    ndarray
        Shape of ``dilution``.

    Examples
    --------
    >>> [round(float(cascade_misaligned_fraction(3, d)), 6) for d in (0.5, 0.7)]
    [0.0, 0.0225]
    """
    k = _check_patterns(n_patterns)
    d = _check_dilution(dilution)
    m = cascade_overlaps(k, d)  # d.shape + (K,)
    signs = np.array(list(itertools.product((-1, 0, 1), repeat=k - 1)), dtype=float)
    signs = signs.reshape(-1, k - 1)
    field = m[..., :1] + np.einsum("...k,ck->...c", m[..., 1:], signs)
    blanks = (signs == 0).sum(axis=1)
    weight = d[..., None] ** blanks * ((1.0 - d[..., None]) / 2.0) ** (k - 1 - blanks)
    return scalar_or_array(np.sum(np.where(field < -1e-12, weight, 0.0), axis=-1))


def hierarchical_threshold_dilution(n_patterns: int) -> float:
    r"""Threshold ``d_c(K)``: the cascade is a ``T = 0`` fixed point iff ``d < d_c(K)``.

    Root of ``d + d^2 + ... + d^(K-1) = 1`` in ``(0, 1]`` by the Illinois method:
    ``d_c(1) = d_c(2) = 1`` (always a fixed point), ``d_c(3) = (sqrt 5 - 1) / 2 =
    0.6180``, ``d_c(4) = 0.5437``, decreasing to ``1/2`` as ``K -> infinity`` (where the
    sum is ``d / (1 - d)``).

    Parameters
    ----------
    n_patterns : int
        ``K >= 1`` (any size: nothing is enumerated).

    Returns
    -------
    float
        ``d_c(K)``.

    Raises
    ------
    ValueError
        If ``K`` is not an integer ``>= 1``.

    Examples
    --------
    >>> round(hierarchical_threshold_dilution(3), 12) == round((5**0.5 - 1) / 2, 12)
    True
    """
    k = check_count("K", n_patterns)
    if k <= 2:
        return 1.0

    def excess(x, active):
        return _geometric_tail(x, k) - 1.0

    root = illinois(excess, [0.0], [1.0], [-1.0], [k - 2.0], n_iter=200, xtol=1e-15)
    return float(root[0])


def critical_temperature(dilution: np.ndarray | float, *, normalized: bool = False) -> np.ndarray:
    """Critical temperature of every retrieval state: ``T_c = 1 - d`` (normalized: ``1``).

    Linearising ``m = <xi tanh(beta m . xi)>`` at ``m = 0`` gives ``m = beta (1 - d) m``
    (``<xi^mu xi^nu> = (1 - d) delta``); above ``T_c`` the paramagnet is the only solution
    (``docs/theory/multitasking.md``).

    Parameters
    ----------
    dilution : array_like
        ``d``, in ``[0, 1)``.
    normalized : bool, optional
        Use the normalized convention.

    Returns
    -------
    ndarray
        Shape of ``dilution``.

    Raises
    ------
    ValueError
        One line, for a bad ``d``.
    """
    d = _check_dilution(dilution)
    return scalar_or_array(np.ones_like(d) if normalized else 1.0 - d)


def hierarchical_energy_zero_temperature(
    n_patterns: int, dilution: np.ndarray | float
) -> np.ndarray:
    r"""Energy per spin of the ``T = 0`` cascade: ``E = -(1/2)(1 - d)^2 sum_k d^(2(k-1))``.

    Every non-blank site is aligned with its first non-blank pattern, so
    ``<|m . xi|> = |m|^2`` and ``E = -|m|^2 / 2`` (``docs/theory/multitasking.md``).
    Unnormalized convention (divide by ``1 - d`` for the normalized one). Meaningful where
    the cascade is a fixed point (:func:`hierarchical_is_fixed_point`); returned for all
    ``d``.

    Parameters
    ----------
    n_patterns : int
        ``K >= 1``.
    dilution : array_like
        ``d``, in ``[0, 1)``.

    Returns
    -------
    ndarray
        Shape of ``dilution``.

    Raises
    ------
    ValueError
        One line, for a bad ``K`` or ``d``.
    """
    m = cascade_overlaps(n_patterns, dilution)
    return scalar_or_array(np.asarray(-0.5 * np.sum(m * m, axis=-1)))


def symmetric_mixture_energy_zero_temperature(n: int, dilution: np.ndarray | float) -> np.ndarray:
    r"""Energy per spin of the symmetric ``n``-mixture at ``T = 0``: ``-<|z_n|>^2 / (2n)``.

    ``m = <|z_n|> / n`` with ``z_n`` the sum of ``n`` diluted entries (exact
    distribution). ``n = 2``: ``m = (1 - d^2) / 2`` and ``E = -((1 - d^2) / 2)^2``, above
    the cascade energy by ``(1 - d)^4 / 4`` (``docs/theory/multitasking.md``). ``d = 0``:
    the AGS energies of :func:`hebbian.theory.mixtures.mixture_energy_zero_temperature`.
    Unnormalized convention.

    Parameters
    ----------
    n : int
        Number of mixed patterns, ``>= 1``.
    dilution : array_like
        ``d``, in ``[0, 1)``.

    Returns
    -------
    ndarray
        Shape of ``dilution``.

    Raises
    ------
    ValueError
        One line, for a bad ``n`` or ``d``.

    Examples
    --------
    >>> float(symmetric_mixture_energy_zero_temperature(2, 0.5)) == -((1 - 0.25) / 2) ** 2
    True
    """
    n = check_count("n", n)
    d = _check_dilution(dilution)
    z, prob = _z_distribution(n, d.ravel())
    mean_abs = prob @ np.abs(z)
    return scalar_or_array((-(mean_abs**2) / (2.0 * n)).reshape(d.shape))


def _symmetric_state(name, n, k, dilution, temperature, normalized) -> MultitaskingState:
    d = _check_dilution(dilution)
    t = _check_temperature(temperature)
    shape, (d, t) = broadcast_flat(d, t)
    beta, t_eff, scale = _convention(d, t, normalized)
    m, status = _symmetric_solve(n, d, beta)
    ok = status == CONVERGED
    f = np.where(ok, _symmetric_free_energy(n, d, beta, t_eff, m) * scale, np.nan)
    eig = np.full((d.size, k), np.nan)
    pos = ok & np.isfinite(beta)
    if np.any(pos):
        eig[pos] = _symmetric_eigenvalues(n, k, d[pos], beta[pos], m[pos]) * scale[pos, None]
    zero_t = ok & ~np.isfinite(beta)
    if np.any(zero_t):
        vec = np.zeros((int(zero_t.sum()), k))
        vec[:, :n] = m[zero_t, None]
        _, _, eig0 = _general_evaluate(vec, d[zero_t], beta[zero_t], t_eff[zero_t])
        eig[zero_t] = eig0
    overlaps = np.zeros((d.size, k))
    overlaps[:, :n] = m[:, None]
    overlaps[~ok] = np.nan
    stable = ok & np.all(eig > 0, axis=1)
    return MultitaskingState(
        name=name,
        overlaps=overlaps.reshape(shape + (k,)),
        free_energy=scalar_or_array(f.reshape(shape)),
        hessian_eigenvalues=eig.reshape(shape + (k,)),
        stable=scalar_or_array(stable.reshape(shape)),
        converged=scalar_or_array(ok.reshape(shape)),
        status=scalar_or_array(_status_names(status).reshape(shape)),
    )


def symmetric_mixture_state(
    n_patterns: int,
    n: int,
    dilution: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    normalized: bool = False,
) -> MultitaskingState:
    r"""Symmetric ``n``-mixture ``m = (m_n, ..., m_n, 0, ..., 0)`` among ``K`` patterns.

    Solves the 1-d equation ``m_n = (1/n) <z_n tanh(beta m_n z_n)>`` with the exact
    distribution of ``z_n = xi^1 + ... + xi^n`` (core damped Newton from the ``T = 0``
    value ``<|z_n|> / n``; the right side is concave in ``m_n > 0``, so the root is
    unique). Eigenvalues in closed form: longitudinal, ``(n-1)``-fold transverse,
    ``(K-n)``-fold non-condensed (``T = 0``: the limit of
    :func:`multitasking_hessian_eigenvalues`). Saddles are found too (``stable`` False).
    Agliari, Barra, Galluzzi, Isopi, arXiv:1304.4488; ``d = 0``: AGS, Phys. Rev. A 32,
    1007 (1985).

    Parameters
    ----------
    n_patterns : int
        ``K``, ``1 <= K <= 10``.
    n : int
        Mixed patterns, ``1 <= n <= K``.
    dilution : array_like
        ``d``, in ``[0, 1)``.
    temperature : array_like
        ``T``, finite and ``>= 0``; broadcast with ``dilution``.
    normalized : bool, optional
        Use the normalized convention (``H / (1 - d)``, ``T_c = 1``).

    Returns
    -------
    MultitaskingState
        ``name`` ``"pure"`` (``n = 1``), ``"parallel"`` (``n = K >= 2``) or
        ``"mixture<n>"``; status ``"absent"`` for ``T >= T_c``.

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.
    """
    k = _check_patterns(n_patterns)
    n = check_count("n", n)
    if n > k:
        raise ValueError(f"n must be an integer in [1, K = {k}], got {n}")
    name = "pure" if n == 1 else ("parallel" if n == k else f"mixture{n}")
    return _symmetric_state(name, n, k, dilution, temperature, normalized)


def pure_state(
    n_patterns: int,
    dilution: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    normalized: bool = False,
) -> MultitaskingState:
    """Pure state ``m = (m, 0, ..., 0)``, ``m = (1 - d) tanh(beta m)``.

    :func:`symmetric_mixture_state` with ``n = 1``. With ``d > 0`` and ``K >= 2`` it is
    unstable at low ``T`` (blank sites of pattern 1 carry free spins that a second
    overlap aligns; ``T = 0``: eigenvalue ``-inf``), which is what makes the network
    multitask (Agliari et al., Phys. Rev. Lett. 109, 268101 (2012)).

    Parameters
    ----------
    n_patterns : int
        ``K``, ``1 <= K <= 10``.
    dilution : array_like
        ``d``, in ``[0, 1)``.
    temperature : array_like
        ``T``, finite and ``>= 0``.
    normalized : bool, optional
        Use the normalized convention.

    Returns
    -------
    MultitaskingState
        ``name = "pure"``.

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.
    """
    return symmetric_mixture_state(n_patterns, 1, dilution, temperature, normalized=normalized)


def parallel_state(
    n_patterns: int,
    dilution: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    normalized: bool = False,
) -> MultitaskingState:
    """Parallel (symmetric) state: all ``K`` overlaps equal.

    :func:`symmetric_mixture_state` with ``n = K``; at ``d = 0`` the AGS ``K``-mixture.
    At ``d = 0.9``, ``T = 0.02``: ``m = 0.0905`` (``K = 3``), ``0.0864`` (4), ``0.0827``
    (5). Where it is stable: :func:`parallel_stability_intervals`.

    Parameters
    ----------
    n_patterns : int
        ``K``, ``1 <= K <= 10``.
    dilution : array_like
        ``d``, in ``[0, 1)``.
    temperature : array_like
        ``T``, finite and ``>= 0``.
    normalized : bool, optional
        Use the normalized convention.

    Returns
    -------
    MultitaskingState
        ``name = "parallel"`` (``"pure"`` for ``K = 1``).

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.
    """
    k = _check_patterns(n_patterns)
    return symmetric_mixture_state(k, k, dilution, temperature, normalized=normalized)


def hierarchical_state(
    n_patterns: int,
    dilution: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    normalized: bool = False,
    tol: float = 1e-12,
    max_iter: int = 20_000,
) -> MultitaskingState:
    """Solve from the cascade ``m_k = (1 - d) d^(k-1)``: the hierarchical (multitasking) state.

    :func:`solve_multitasking` started from :func:`cascade_overlaps`. For ``d < d_c(K)``
    at low ``T`` it stays a cascade; amplitudes below about ``T`` are thermally erased
    (``K = 3``, ``d = 0.1``, ``T = 0.02``: ``m_3 = 0``); at large ``d`` it flows onto the
    parallel state (``d = 0.9``, ``T = 0.02``: all overlaps equal). Label the result with
    :func:`classify_overlaps`. Status ``"absent"`` where it fell onto ``m = 0``
    (``T >= T_c``). Agliari et al., Phys. Rev. Lett. 109, 268101 (2012); Bartolucci and
    Annibale, J. Phys. A 47, 415001 (2014).

    Parameters
    ----------
    n_patterns : int
        ``K``, ``1 <= K <= 10``.
    dilution : array_like
        ``d``, in ``[0, 1)``.
    temperature : array_like
        ``T``, finite and ``>= 0``; broadcast with ``dilution``.
    normalized : bool, optional
        Use the normalized convention.
    tol : float, optional
        Convergence threshold on ``max |G(m) - m|``.
    max_iter : int, optional
        Iteration cap per point.

    Returns
    -------
    MultitaskingState
        ``name = "hierarchical"``.

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.
    """
    k = _check_patterns(n_patterns)
    d = _check_dilution(dilution)
    t = _check_temperature(temperature)
    shape, (d, t) = broadcast_flat(d, t)
    beta, t_eff, scale = _convention(d, t, normalized)
    m, status = _general_solve(cascade_overlaps(k, d), d, beta, tol=tol, max_iter=max_iter)
    collapsed = (status == CONVERGED) & ~(np.max(np.abs(m), axis=1) > ZERO_OVERLAP)
    status = np.where(collapsed, ABSENT, status)
    return _finish("hierarchical", shape, k, m, status, d, beta, t_eff, scale)


def classify_overlaps(overlaps: np.ndarray, *, atol: float = 1e-6) -> np.ndarray:
    """Label overlap vectors by their pattern up to permutations and signs.

    With ``a`` the ``|m_k|`` that exceed ``atol``: none ``"paramagnet"``; one
    ``"pure"``; all equal ``"mixture<n>"`` (``n = len(a) < K``) or ``"parallel"``
    (``n = K >= 2``); all different ``"hierarchical"``; otherwise ``"mixed"``. Rows with
    ``nan`` are ``"absent"``.

    Parameters
    ----------
    overlaps : (..., K) array_like
        Overlap vectors.
    atol : float, optional
        Absolute tolerance for zero and for equal overlaps.

    Returns
    -------
    ndarray of str
        Shape ``overlaps.shape[:-1]``.

    Examples
    --------
    >>> classify_overlaps([[0.9, 0.09, 0.0], [0.3, 0.3, 0.3], [0.0, 0.0, 0.0]]).tolist()
    ['hierarchical', 'parallel', 'paramagnet']
    """
    m = np.asarray(overlaps, dtype=float)
    if m.ndim < 1 or m.shape[-1] < 1:
        raise ValueError(f"overlaps must have a last axis of length K >= 1, got shape {m.shape}")
    k = m.shape[-1]
    flat = m.reshape(-1, k)
    out = np.empty(flat.shape[0], dtype=object)
    for i, row in enumerate(flat):
        if not np.all(np.isfinite(row)):
            out[i] = "absent"
            continue
        a = np.sort(np.abs(row))[::-1]
        a = a[a > atol]
        if a.size == 0:
            out[i] = "paramagnet"
        elif a.size == 1:
            out[i] = "pure"
        elif a[0] - a[-1] <= atol:
            out[i] = "parallel" if a.size == k else f"mixture{a.size}"
        elif np.all(-np.diff(a) > atol):
            out[i] = "hierarchical"
        else:
            out[i] = "mixed"
    return out.astype(str).reshape(m.shape[:-1])


def _paramagnet_state(k, dilution, temperature, normalized) -> MultitaskingState:
    d = _check_dilution(dilution)
    t = _check_temperature(temperature)
    shape, (d, t) = broadcast_flat(d, t)
    beta, t_eff, scale = _convention(d, t, normalized)
    m = np.zeros((d.size, k))
    return _finish("paramagnet", shape, k, m, np.full(d.size, CONVERGED), d, beta, t_eff, scale)


def multitasking_states(
    n_patterns: int,
    dilution: float,
    temperature: float,
    *,
    normalized: bool = False,
    atol: float = 1e-6,
) -> tuple[MultitaskingState, ...]:
    """All the states found at one point ``(K, d, T)``, each once, lowest ``f`` first.

    Collects the paramagnet, the pure state, every symmetric ``n``-mixture
    (``n = 2..K``, the last is the parallel state; these come from their 1-d equations,
    so saddles are included), the hierarchical state, and the fixed points that the
    full ``K``-dimensional iteration reaches from a deterministic set of starts (cascades
    ``(1 - d) r^(k-1)`` for ``r`` in ``{0.1, 0.3, 0.5, 0.7, 0.9}`` and each mixture with
    a small hierarchical tilt). States equal up to permutations and signs of the
    overlaps (within ``atol``) are kept once; each is named by
    :func:`classify_overlaps`.

    Parameters
    ----------
    n_patterns : int
        ``K``, ``1 <= K <= 10``.
    dilution : float
        ``d``, in ``[0, 1)``.
    temperature : float
        ``T``, finite and ``>= 0``.
    normalized : bool, optional
        Use the normalized convention.
    atol : float, optional
        Tolerance for identifying states.

    Returns
    -------
    tuple of MultitaskingState
        Scalar states (``overlaps`` of shape ``(K,)``), sorted by free energy.

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments, or non-scalar ``d``, ``T``.
    """
    k = _check_patterns(n_patterns)
    d = _check_dilution(dilution)
    t = _check_temperature(temperature)
    if d.ndim or t.ndim:
        raise ValueError("multitasking_states takes a scalar dilution and temperature")
    found: list[MultitaskingState] = [_paramagnet_state(k, d, t, normalized)]
    for n in range(1, k + 1):
        found.append(symmetric_mixture_state(k, n, d, t, normalized=normalized))
    found.append(hierarchical_state(k, d, t, normalized=normalized))
    starts = [(1.0 - float(d)) * r ** np.arange(k) for r in (0.1, 0.3, 0.5, 0.7, 0.9)]
    tilt = 1.0 + 0.02 * (k - np.arange(k)) / k
    for state in found[1 : k + 1]:
        if state.converged:
            starts.append(np.nan_to_num(state.overlaps) * tilt)
    sol = solve_multitasking(np.array(starts), d, t, normalized=normalized)
    for i in range(len(starts)):
        if sol.converged[i]:
            found.append(
                MultitaskingState(
                    name="solution",
                    overlaps=sol.overlaps[i],
                    free_energy=sol.free_energy[i],
                    hessian_eigenvalues=sol.hessian_eigenvalues[i],
                    stable=sol.stable[i],
                    converged=sol.converged[i],
                    status=sol.status[i],
                )
            )
    kept: list[MultitaskingState] = []
    keys: list[np.ndarray] = []
    for state in found:
        if not state.converged:
            continue
        key = np.sort(np.abs(state.overlaps))[::-1]
        if any(np.max(np.abs(key - other)) <= atol for other in keys):
            continue
        keys.append(key)
        label = str(classify_overlaps(state.overlaps, atol=atol))
        kept.append(
            MultitaskingState(
                name=label,
                overlaps=state.overlaps,
                free_energy=state.free_energy,
                hessian_eigenvalues=state.hessian_eigenvalues,
                stable=state.stable,
                converged=state.converged,
                status=state.status,
            )
        )
    kept.sort(key=lambda s: float(s.free_energy))
    return tuple(kept)


# ---------------------------------------------------------------------------------------
# where the parallel state is stable


def _parallel_margin(k: int, d: np.ndarray, t_eff: np.ndarray) -> np.ndarray:
    """Smallest Hessian eigenvalue of the parallel state over ``1 - T / T_c`` (unnormalized).

    Flat arrays with ``0 < T < 1 - d``; ``nan`` where the state is not found. Dividing by
    ``1 - T / T_c`` removes the trivial zero at ``T_c``: the limit there has the sign of
    ``3d - 2`` (Landau expansion, ``docs/theory/multitasking.md``).
    """
    beta = 1.0 / t_eff
    m, status = _symmetric_solve(k, d, beta)
    ok = status == CONVERGED
    lam = np.full(d.size, np.nan)
    if np.any(ok):
        lam[ok] = _symmetric_eigenvalues(k, k, d[ok], beta[ok], m[ok])[:, 0]
    return lam / (1.0 - t_eff / (1.0 - d))


#: Relative temperatures ``T / T_c`` of the scan for stability intervals.
_SCAN = np.concatenate([np.linspace(0.0025, 0.9975, 399), [0.999, 0.9999]])


def _parallel_intervals_unnormalized(k: int, d: float) -> list[tuple[float, float]]:
    tc = 1.0 - d
    ts = _SCAN * tc
    q = _parallel_margin(k, np.full(ts.size, d), ts)
    good = q > 0
    if not np.any(good):
        return []

    def refine(lo, hi, q_lo, q_hi):
        def fn(x, active):
            return _parallel_margin(k, np.full(x.size, d), x)

        return float(illinois(fn, [lo], [hi], [q_lo], [q_hi], n_iter=100, xtol=1e-13)[0])

    intervals = []
    i = 0
    while i < ts.size:
        if not good[i]:
            i += 1
            continue
        j = i
        while j + 1 < ts.size and good[j + 1]:
            j += 1
        if i == 0:
            lo = _lower_end(k, d, ts[0], q[0])
        else:
            lo = refine(ts[i - 1], ts[i], q[i - 1], q[i]) if np.isfinite(q[i - 1]) else ts[i]
        if j == ts.size - 1:
            hi = tc
        else:
            hi = refine(ts[j], ts[j + 1], q[j], q[j + 1]) if np.isfinite(q[j + 1]) else ts[j]
        intervals.append((lo, hi))
        i = j + 1
    return intervals


def _lower_end(k: int, d: float, t_first: float, q_first: float) -> float:
    """Lower end of a stable interval that reaches the first scan point."""
    t_hi, q_hi = t_first, q_first
    for _ in range(60):
        t_lo = t_hi / 2.0
        q_lo = float(_parallel_margin(k, np.array([d]), np.array([t_lo]))[0])
        if not q_lo > 0:
            return float(
                illinois(
                    lambda x, active: _parallel_margin(k, np.full(x.size, d), x),
                    [t_lo],
                    [t_hi],
                    [q_lo],
                    [q_hi],
                    n_iter=100,
                    xtol=1e-13,
                )[0]
            )
        t_hi, q_hi = t_lo, q_lo
    return 0.0


def parallel_stability_intervals(
    n_patterns: int, dilution: float, *, normalized: bool = False
) -> tuple[tuple[float, float], ...]:
    """Intervals of ``T`` in ``(0, T_c)`` where the parallel state exists and is stable.

    Scans the smallest Hessian eigenvalue of :func:`parallel_state` (closed forms) on
    ``T / T_c`` in ``[0.0025, 0.9999]``, refines every sign change by the Illinois
    method (``xtol = 1e-13``); an interval that reaches the first scan point is followed
    down by halving ``T`` (lower end ``0.0`` if it is still stable at ``T ~ 1e-18``), one
    that reaches the last ends at ``T_c``. An interval narrower than the scan step
    (``0.0025 T_c``) can be missed. At ``d = 0``, ``K = 3``: ``((0, 0.4598),)``, the
    AGS 3-mixture (:func:`hebbian.theory.mixtures.mixture_stability_temperature`).

    Parameters
    ----------
    n_patterns : int
        ``K``, ``1 <= K <= 10``.
    dilution : float
        ``d``, in ``[0, 1)``.
    normalized : bool, optional
        Temperatures in the normalized convention (all divided by ``1 - d``).

    Returns
    -------
    tuple of (float, float)
        ``(T_low, T_high)`` pairs, increasing.

    Raises
    ------
    ValueError
        One line, for a bad ``K`` or ``d`` (scalar).
    """
    k = _check_patterns(n_patterns)
    d = _check_dilution(dilution)
    if d.ndim:
        raise ValueError("parallel_stability_intervals takes a scalar dilution")
    d = float(d)
    factor = 1.0 / (1.0 - d) if normalized else 1.0
    return tuple((lo * factor, hi * factor) for lo, hi in _parallel_intervals_unnormalized(k, d))


def parallel_onset_temperature(
    n_patterns: int, dilution: np.ndarray | float, *, normalized: bool = False
) -> float | None | np.ndarray:
    """``T_p(d)``: lower end of the stability window of the parallel state that ends at ``T_c``.

    Below ``T_p`` the parallel state gives way to hierarchical retrieval (Bartolucci and
    Annibale, J. Phys. A 47, 415001 (2014); Agliari, Barra, Galluzzi, Isopi,
    arXiv:1304.4488). Just below ``T_c`` the parallel state is stable iff ``d > 2/3``
    (for every ``K``: the sign of the quartic Landau coefficient ``(1 - d)(3d - 2)``),
    so ``T_p`` exists only there.

    Parameters
    ----------
    n_patterns : int
        ``K``, ``1 <= K <= 10``.
    dilution : float or array_like
        ``d``, in ``[0, 1)``.
    normalized : bool, optional
        Use the normalized convention.

    Returns
    -------
    float or None or ndarray
        For a scalar ``d``: ``T_p`` or None (unstable just below ``T_c``); for an array:
        an array with ``nan`` for None.

    Raises
    ------
    ValueError
        One line, for a bad ``K`` or ``d``.
    """
    k = _check_patterns(n_patterns)
    d = _check_dilution(dilution)
    out = np.full(d.size, np.nan)
    for i, di in enumerate(d.ravel()):
        tc = 1.0 if normalized else 1.0 - di
        for lo, hi in parallel_stability_intervals(k, di, normalized=normalized):
            if np.isclose(hi, tc, rtol=1e-12, atol=0.0):
                out[i] = lo
    if d.ndim == 0:
        return None if np.isnan(out[0]) else float(out[0])
    return out.reshape(d.shape)


def _max_margin(k: int, d: np.ndarray) -> np.ndarray:
    """``max_T`` of :func:`_parallel_margin` over ``(0, T_c)`` for each ``d`` (vectorised)."""
    ts = _SCAN
    dd = np.repeat(d, ts.size)
    q = _parallel_margin(k, dd, np.tile(ts, d.size) * (1.0 - dd)).reshape(d.size, ts.size)
    q = np.where(np.isfinite(q), q, -np.inf)
    j = np.argmax(q, axis=1)
    lo = ts[np.maximum(j - 1, 0)]
    hi = ts[np.minimum(j + 1, ts.size - 1)]

    def neg(s):
        return -_parallel_margin(k, d, s * (1.0 - d))

    _, fmin = golden_section_min(neg, lo, hi, n_iter=40)
    return np.maximum(-fmin, q.max(axis=1))


def parallel_threshold_dilution(n_patterns: int, *, window: str = "any") -> float:
    """Dilution ``d*(K)`` above which the parallel state has a stable window in ``T``.

    ``window="any"``: the largest ``d`` below which the parallel state is nowhere stable
    in ``(0, T_c)`` (its window first opens at an intermediate ``T`` and reaches ``T_c``
    only for ``d > 2/3``): a scan of ``d`` in steps of 0.01 downwards from 0.99, then the
    Illinois method on ``max_T`` of the smallest scaled eigenvalue. Gives
    ``d*(2) = 0.6016``, ``d*(3) = 0.6209``, ``d*(4) = 0.6319``, ``d*(5) = 0.6386`` (the
    parallel regime of Agliari, Barra, Galluzzi, Isopi, arXiv:1304.4488).
    ``window="critical"``: the dilution above which the window ends at ``T_c``
    (:func:`parallel_onset_temperature` exists), ``2/3`` for every ``K`` from the
    quartic Landau coefficient ``(1 - d)(3d - 2)``.

    Parameters
    ----------
    n_patterns : int
        ``K``, ``2 <= K <= 10``.
    window : {"any", "critical"}, optional
        Which window.

    Returns
    -------
    float
        ``d*``; ``nan`` if the state is unstable at ``d = 0.99``.

    Raises
    ------
    ValueError
        One line, for a bad ``K`` or ``window``.
    """
    k = _check_patterns(n_patterns)
    if k < 2:
        raise ValueError(f"K must be an integer in [2, {MAX_PATTERNS}], got {n_patterns!r}")
    if window not in ("any", "critical"):
        raise ValueError(f"window must be 'any' or 'critical', got {window!r}")
    if window == "critical":
        return PARALLEL_CRITICAL_DILUTION
    grid = np.round(np.arange(0.99, 0.0, -0.01), 10)
    q = _max_margin(k, grid)
    if not q[0] > 0:
        return float("nan")
    bad = np.flatnonzero(~(q > 0))
    if bad.size == 0:
        return 0.0
    i = bad[0]

    def fn(x, active):
        return _max_margin(k, x)

    root = illinois(fn, [grid[i]], [grid[i - 1]], [q[i]], [q[i - 1]], n_iter=100, xtol=1e-11)
    return float(root[0])


# ---------------------------------------------------------------------------------------
# phase diagram


def multitasking_phase_diagram(
    n_patterns: int,
    dilution: np.ndarray,
    temperature: np.ndarray,
    *,
    normalized: bool = False,
) -> MultitaskingPhaseDiagram:
    """Which states exist and are stable on a ``(d, T)`` grid, and which has the lowest ``f``.

    States: the paramagnet, the pure state, the symmetric mixtures ``n = 2..K-1``, the
    parallel state and the hierarchical state (:func:`hierarchical_state`, counted only
    where :func:`classify_overlaps` calls it hierarchical). Meant for ``K = 2, 3``
    (Agliari, Barra, Galluzzi, Isopi, arXiv:1304.4488); any ``K <= 8`` works, at a cost
    ``~3^K`` per grid point.

    Parameters
    ----------
    n_patterns : int
        ``K``, ``1 <= K <= 8``.
    dilution : (n_d,) array_like
        ``d`` axis, in ``[0, 1)``.
    temperature : (n_t,) array_like
        ``T`` axis, finite and ``>= 0``.
    normalized : bool, optional
        Use the normalized convention.

    Returns
    -------
    MultitaskingPhaseDiagram
        Arrays over ``(state, d, T)``.

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.
    """
    k = _check_patterns(n_patterns, maximum=8)
    d = np.atleast_1d(_check_dilution(dilution)).ravel()
    t = np.atleast_1d(_check_temperature(temperature)).ravel()
    dd, tt = d[:, None], t[None, :]
    results = [_paramagnet_state(k, dd, tt, normalized)]
    results += [
        symmetric_mixture_state(k, n, dd, tt, normalized=normalized) for n in range(1, k + 1)
    ]
    hier = hierarchical_state(k, dd, tt, normalized=normalized)
    results.append(hier)
    names = tuple(r.name for r in results)
    exists = np.stack([np.asarray(r.converged) for r in results])
    exists[-1] &= classify_overlaps(hier.overlaps) == "hierarchical"
    overlaps = np.stack([r.overlaps for r in results])
    overlaps = np.where(exists[..., None], overlaps, np.nan)
    f = np.where(exists, np.stack([np.asarray(r.free_energy) for r in results]), np.nan)
    stable = exists & np.stack([np.asarray(r.stable) for r in results])
    masked = np.where(stable, f, np.inf)
    lowest = np.where(stable.any(axis=0), np.argmin(masked, axis=0), -1)
    return MultitaskingPhaseDiagram(
        n_patterns=k,
        normalized=normalized,
        dilution=d,
        temperature=t,
        states=names,
        overlaps=overlaps,
        free_energy=f,
        exists=exists,
        stable=stable,
        lowest=lowest,
    )


# ---------------------------------------------------------------------------------------
# learning from examples


def _learning_averages(
    mean: np.ndarray, std: np.ndarray, beta: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Return ``<tanh x>``, ``<sech^2 x>``, ``<tanh x sech^2 x>``, ``<3 sech^4 x - 2 sech^2 x>``.

    ``x = beta (mean + std z)`` on the kink-adapted rule of each point.
    """
    out = [np.empty(mean.size) for _ in range(4)]
    for idx, _, w, x in field_rule_groups(mean, std, beta):
        e = np.exp(-2.0 * np.abs(x))
        th = np.sign(x) * (1.0 - e) / (1.0 + e)
        s2 = 4.0 * e / (1.0 + e) ** 2
        out[0][idx] = np.sum(w * th, axis=1)
        out[1][idx] = np.sum(w * s2, axis=1)
        out[2][idx] = np.sum(w * th * s2, axis=1)
        out[3][idx] = np.sum(w * (3.0 * s2 * s2 - 2.0 * s2), axis=1)
    return tuple(out)


def _learning_field(x, xi, rho):
    """Mean ``n . xi`` and standard deviation ``sqrt(rho sum_l n_l^2 (xi^l)^2)`` of ``h``."""
    return x @ xi.T, np.sqrt(rho[:, None] * ((x * x) @ (xi * xi).T))


def _learning_fn(k, w_all, rho_all, beta_all):
    """Return the residual of the learning equations in ``n`` for :func:`damped_newton`."""
    xi, _ = _configurations(k)
    a = xi * xi
    xx = _outer(xi)
    eye = np.eye(k)

    def fn(x, index):
        w, rho, beta = w_all[index], rho_all[index], beta_all[index]
        npt, c = w.shape
        mean, std = _learning_field(x, xi, rho)
        t, g, u, v = (
            arr.reshape(npt, c)
            for arr in _learning_averages(mean.ravel(), std.ravel(), np.repeat(beta, c))
        )
        m = (w * t) @ xi
        ag = (w * g) @ a
        r1 = (1.0 + rho)[:, None]
        rb = (rho * beta)[:, None]
        big_g = (m + rb * x * ag) / r1
        b1, b2, b3 = beta[:, None, None], (beta**2)[:, None, None], (beta**3)[:, None, None]
        rr = rho[:, None, None]
        t1 = b1 * ((w * g) @ xx).reshape(npt, k, k)
        m_xa = ((w * u)[:, None, :] * xi.T[None]) @ a  # sum_c w u xi_l a_k
        m_aa = ((w * v)[:, None, :] * a.T[None]) @ a  # sum_c w v a_l a_k
        t2 = -2.0 * b2 * rr * x[:, None, :] * m_xa
        t3 = -2.0 * b2 * rr * x[:, :, None] * np.swapaxes(m_xa, 1, 2)
        t4 = -2.0 * b3 * rr * rr * x[:, :, None] * x[:, None, :] * m_aa
        diag = rb * ag
        dg = (t1 + t2 + t3 + t4 + diag[:, :, None] * eye) / (1.0 + rr)
        return big_g - x, dg - eye, m

    return fn


def _learning_energy(k, w_all, rho_all, beta_all, d_all):
    """Return ``energy(n, index) = (1 + rho) |n|^2 / 2 - T <ln 2cosh(beta h)>`` (unnormalized)."""
    xi, _ = _configurations(k)
    const = d_all**k * np.log(2.0)

    def energy(x, index):
        w, rho, beta = w_all[index], rho_all[index], beta_all[index]
        npt, c = w.shape
        mean, std = _learning_field(x, xi, rho)
        lc = np.empty(npt * c)
        b = np.repeat(beta, c)
        for idx, _, wz, h in field_rule_groups(mean.ravel(), std.ravel(), b):
            lc[idx] = np.sum(wz * log2cosh(h), axis=1) / b[idx]
        lc = np.sum(w * lc.reshape(npt, c), axis=1)
        return 0.5 * (1.0 + rho) * np.sum(x * x, axis=1) - (const[index] / beta + lc)

    return energy


def solve_multitasking_learning(
    start: np.ndarray,
    rho: np.ndarray | float,
    dilution: np.ndarray | float,
    temperature: np.ndarray | float,
    *,
    normalized: bool = False,
    tol: float = 1e-12,
    max_iter: int = 20_000,
) -> LearningState:
    r"""Low-load equations of the multitasking network that learns diluted archetypes.

    Examples ``eta^{mu,a} = xi^mu chi^{mu,a}`` keep the blanks of the archetypes ``xi``;
    at low load and large ``M`` the supervised and unsupervised Hebbian rules give the
    same equations (Agliari, Alessandrelli, Barra, Ricci-Tersenghi, J. Stat. Mech. (2023)
    113401), with ``rho = (1 - r^2) / (M r^2)`` the dataset entropy:

    .. math::

        h = \sum_l n_l\,\xi^l (1 + \sqrt\rho\, z_l),\quad
        n_l = \frac{\langle\xi^l(1 + \sqrt\rho\,z_l)\tanh\beta h\rangle}{1 + \rho},\quad
        m_l = \langle\xi^l\tanh\beta h\rangle ,

    averaged over the ``3^K`` configurations of ``xi`` (exact) and independent standard
    normal ``z_l``. Given ``xi``, ``h`` is normal with mean ``n . xi`` and variance
    ``rho sum_l n_l^2 (xi^l)^2``, so the ``K`` Gaussian integrals are one, done with the
    kink-adapted rule of :mod:`hebbian.theory._gauss`; Gaussian integration by parts
    turns the ``z_l`` term into ``n_l = (m_l + rho beta n_l <(xi^l)^2 sech^2 beta h>) /
    (1 + rho)``. ``rho = 0`` gives ``n = m`` and the equations of
    :func:`solve_multitasking`; ``T_c = 1 - d`` for every ``rho`` (linearization). The
    equations are the stationarity conditions of
    ``f(n) = (1 + rho) |n|^2 / 2 - T <ln 2cosh(beta h)>`` (``d = 0``: the supervised
    low-load free energy of the dense-network papers of the same authors), solved like
    :func:`solve_multitasking`: the core's damped Newton iteration with the analytic
    Jacobian, then saddle-free Newton descent on ``f`` for the slow points.

    Parameters
    ----------
    start : (..., K) array_like
        Starting ``n``, finite, ``1 <= K <= 8`` (cost ``~ 3^K x 100`` per point).
    rho : array_like
        Dataset entropy, finite and ``>= 0``.
    dilution : array_like
        ``d``, in ``[0, 1)``.
    temperature : array_like
        ``T``, finite and ``> 0``.
    normalized : bool, optional
        Divide ``H`` by ``1 - d`` (``T_c = 1``).
    tol : float, optional
        Convergence threshold on ``max |G(n) - n|``.
    max_iter : int, optional
        Iteration cap per point.

    Returns
    -------
    LearningState
        ``n`` and ``m`` (``nan`` where not converged).

    Raises
    ------
    ValueError
        One line, for non-finite or out-of-range arguments.
    """
    m0 = _check_overlaps(start, MAX_LEARNING_PATTERNS)
    r = as_real_array("rho", rho)
    d = _check_dilution(dilution)
    t = _check_temperature(temperature, positive=True)
    k = m0.shape[-1]
    shape = np.broadcast_shapes(m0.shape[:-1], r.shape, d.shape, t.shape)
    x0 = np.broadcast_to(m0, shape + (k,)).reshape(-1, k)
    _, (rf, df, tf) = broadcast_flat(*(np.broadcast_to(v, shape) for v in (r, d, t)))
    beta, _, scale = _convention(df, tf, normalized)
    xi, blanks = _configurations(k)
    w_flat = _weights(df, blanks, k)

    def make_fn(idx):
        return _learning_fn(k, w_flat[idx], rf[idx], beta[idx])

    def make_energy(idx):
        return _learning_energy(k, w_flat[idx], rf[idx], beta[idx], df[idx])

    x, status = _staged_solve(
        make_fn,
        make_energy,
        x0,
        xi.shape[0],
        LEARNING_CHUNK_ELEMENTS,
        tol=tol,
        max_iter=max_iter,
        finite=np.ones(x0.shape[0], dtype=bool),
        paramagnetic=beta * (1.0 - df) <= 1.0 + 1e-13,
    )
    ok = status == CONVERGED
    n_out = np.full(x0.shape, np.nan)
    m_out = np.full(x0.shape, np.nan)
    f_out = np.full(x0.shape[0], np.nan)
    eig = np.full(x0.shape, np.nan)
    good = np.flatnonzero(ok)
    for part in _chunks(good.size, xi.shape[0], LEARNING_CHUNK_ELEMENTS):
        idx = good[part]
        _, jac, m = make_fn(idx)(x[idx], np.arange(idx.size))
        n_out[idx], m_out[idx] = x[idx], m
        f_out[idx] = make_energy(idx)(x[idx], np.arange(idx.size)) * scale[idx]
        hess = -(1.0 + rf[idx, None, None]) * jac * scale[idx, None, None]
        eig[idx] = np.linalg.eigvalsh(hess)
    stable = ok & np.all(eig > 0, axis=1)
    return LearningState(
        example_overlaps=n_out.reshape(shape + (k,)),
        overlaps=m_out.reshape(shape + (k,)),
        free_energy=scalar_or_array(f_out.reshape(shape)),
        hessian_eigenvalues=eig.reshape(shape + (k,)),
        stable=scalar_or_array(stable.reshape(shape)),
        converged=scalar_or_array(ok.reshape(shape)),
        status=scalar_or_array(_status_names(status).reshape(shape)),
    )
