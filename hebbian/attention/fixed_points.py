r"""Fixed points of the modern Hopfield network as beta sweeps, and its exponential capacity.

Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021 (arXiv:2008.02217),
Section 2 and Appendix A.1.5, describe three kinds of fixed points of the update
:math:`\xi \leftarrow X\,\mathrm{softmax}(\beta X^T\xi)` (:func:`hopfield_retrieve`):

1. small :math:`\beta`: one **global** fixed point near the mean of the patterns, reached
   from every query;
2. intermediate :math:`\beta`: **metastable** states that average a subset of the
   patterns;
3. large :math:`\beta` with well-separated patterns: fixed points **near single
   patterns**.

:func:`classify_fixed_points` iterates the update from given queries and measures, at
the fixed point :math:`\xi^*` with weights :math:`w = \mathrm{softmax}(\beta X^T\xi^*)`:

* the participation ratio :math:`1/\sum_\mu w_\mu^2`, the effective number of patterns
  averaged (``n_pairs`` for uniform weights, 1 for one pattern);
* the overlap with the nearest pattern, :math:`\max_\mu x_\mu^T\xi^*/\|x_\mu\|^2`
  (1 on the pattern itself);
* whether every query of one set of patterns ended on the same point (the global fixed
  point).

A state is classified *global* when all the queries of its memory ended within
``same_point`` (max norm) of their mean, else *single* when its participation ratio is
below 3/2 (closer to one pattern than to an even mixture of two), else *metastable*.
:func:`regime_sweep` does it for a grid of inverse temperatures on one draw of
patterns and queries (the same draw for every ``beta``, so that the curves are smooth).

The Jacobian of the update is :math:`\beta\,\mathrm{Cov}_w(X)`, the covariance of the
patterns under the softmax weights, of norm at most :math:`\beta M^2`
(:math:`M = \max_\mu\|x_\mu\|`): for :math:`\beta < 1/M^2` the update is a
contraction, with one fixed point that every query reaches. For unit patterns the split
of the global point comes much later, near the instability of the average,
:math:`\beta\lambda_{max} = 1` with the uniform covariance, whose largest eigenvalue
is about :math:`(1 + \sqrt{d/N})^2/d` (Marchenko-Pastur): :math:`\beta_{split}
\approx d/(1+\sqrt{d/N})^2`, :math:`d` in the continuum limit
(``docs/theory/hopfield_attention.md``; an estimate, the experiment
``ramsauer2020_softmax_regimes`` measures it).

:func:`softmax_capacity` measures the exponential capacity: the largest ``n_pairs``
whose one-update read has a mean relative error at most ``max_error`` at
``beta = dim / 2``, on the random pairs of :func:`hebbian.attention.retrieval_trials`
(unit keys, ±1 values, the stored keys as queries), found by doubling then bisection;
:func:`capacity_slope` fits :math:`\ln N_{max} = a + c\,d` over several ``dim``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hebbian._validation import as_generator, check_int, check_real
from hebbian.attention.capacity import MAX_PAIRS, random_pairs, retrieval_trials
from hebbian.attention.layers import MAX_BETA, hopfield_retrieve, softmax

__all__ = [
    "SINGLE_PARTICIPATION",
    "CapacityResult",
    "FixedPointClasses",
    "RegimeSweep",
    "capacity_slope",
    "classify_fixed_points",
    "noisy_queries",
    "regime_sweep",
    "softmax_capacity",
]

#: A fixed point whose participation ratio is below this averages "one" pattern.
SINGLE_PARTICIPATION = 1.5


@dataclass(frozen=True)
class FixedPointClasses:
    """The fixed points reached from a batch of queries at one ``beta``.

    Attributes
    ----------
    participation : array (trials, n_queries)
        :math:`1/\\sum_\\mu w_\\mu^2` at the last state.
    nearest_overlap : array (trials, n_queries)
        :math:`\\max_\\mu x_\\mu^T\\xi^*/\\|x_\\mu\\|^2`.
    nearest : int array (trials, n_queries)
        The index of that pattern.
    at_global : bool array (trials, n_queries)
        The memory's queries all ended on one point (broadcast over its queries).
    single, metastable : bool arrays (trials, n_queries)
        The classes of the module docstring (``global`` is ``at_global``).
    converged : bool array (trials, n_queries)
        The state moved by at most ``tolerance`` in the last update.
    steps : int
        Updates made.
    """

    participation: np.ndarray
    nearest_overlap: np.ndarray
    nearest: np.ndarray
    at_global: np.ndarray
    single: np.ndarray
    metastable: np.ndarray
    converged: np.ndarray
    steps: int


def noisy_queries(patterns, noise: float, rng) -> np.ndarray:
    r"""Return every pattern plus Gaussian noise: :math:`x_\mu + \sigma\,\|x_\mu\| g/\sqrt d`.

    ``noise`` :math:`= \sigma \ge 0` is the expected norm of the perturbation relative
    to the pattern's norm; ``g`` is standard normal. Shape of ``patterns``.
    """
    sigma = check_real("noise", noise, minimum=0.0, maximum=10.0)
    x = np.asarray(patterns, dtype=float)
    scale = np.linalg.norm(x, axis=-1, keepdims=True) / math.sqrt(x.shape[-1])
    return x + sigma * scale * as_generator(rng).standard_normal(x.shape)


def classify_fixed_points(
    patterns,
    queries,
    beta: float,
    *,
    max_steps: int = 500,
    tolerance: float = 1e-9,
    same_point: float = 1e-4,
) -> FixedPointClasses:
    """Iterate the modern Hopfield update from ``queries`` and classify where they end.

    Parameters
    ----------
    patterns : array (trials, n_pairs, dim)
        The stored patterns :math:`x_\\mu` (rows), one memory per trial.
    queries : array (trials, n_queries, dim)
        Initial states, e.g. :func:`noisy_queries`.
    beta : float
        Inverse temperature, ``0 <= beta <= 1e6``.
    max_steps : int
        At most this many updates, ``1 <= max_steps <= 10**6``.
    tolerance : float
        Convergence: no state moves by more than this (max norm) in one update.
    same_point : float
        Queries of one memory whose last states all lie within this (max norm) of their
        mean are at the global fixed point, ``same_point > 0``.

    Returns
    -------
    FixedPointClasses
    """
    x = np.asarray(patterns, dtype=float)
    q = np.asarray(queries, dtype=float)
    if x.ndim != 3 or q.ndim != 3 or q.shape[0] != x.shape[0] or q.shape[2] != x.shape[2]:
        raise ValueError(
            "patterns and queries must have shapes (trials, n_pairs, dim) and "
            f"(trials, n_queries, dim), got {x.shape} and {q.shape}"
        )
    beta = check_real("beta", beta, minimum=0.0, maximum=MAX_BETA)
    same_point = check_real("same_point", same_point, minimum=0.0, include_minimum=False)
    run = hopfield_retrieve(x, q, beta, max_steps=max_steps, tolerance=tolerance)
    states = np.asarray(run.states)
    weights = softmax(beta * (states @ x.swapaxes(-1, -2)))
    participation = 1.0 / np.sum(weights * weights, axis=-1)
    overlaps = (states @ x.swapaxes(-1, -2)) / np.sum(x * x, axis=-1)[:, None, :]
    nearest = np.argmax(overlaps, axis=-1)
    spread = np.max(np.abs(states - states.mean(axis=1, keepdims=True)), axis=(1, 2))
    at_global = np.broadcast_to((spread <= same_point)[:, None], participation.shape)
    single = ~at_global & (participation < SINGLE_PARTICIPATION)
    return FixedPointClasses(
        participation=participation,
        nearest_overlap=np.max(overlaps, axis=-1),
        nearest=nearest,
        at_global=np.array(at_global),
        single=single,
        metastable=~at_global & ~single,
        converged=np.asarray(run.converged),
        steps=run.steps,
    )


@dataclass(frozen=True)
class RegimeSweep:
    """Fractions of the three kinds of fixed points against ``beta`` (one draw).

    Every array has the length of ``betas``. ``retrieved`` counts the single-pattern
    fixed points whose pattern is the one the query was drawn around.
    """

    betas: np.ndarray
    participation: np.ndarray
    nearest_overlap: np.ndarray
    global_fraction: np.ndarray
    metastable_fraction: np.ndarray
    single_fraction: np.ndarray
    retrieved_fraction: np.ndarray
    converged_fraction: np.ndarray
    n_pairs: int
    dim: int
    trials: int
    noise: float


def _draw_patterns(trials: int, n_pairs: int, dim: int, rng) -> np.ndarray:
    """Patterns uniform on the unit sphere (the keys of :func:`random_pairs`)."""
    return random_pairs(trials, n_pairs, dim, rng)[0]


def regime_sweep(
    n_pairs: int,
    dim: int,
    betas,
    *,
    trials: int = 10,
    noise: float = 0.1,
    max_steps: int = 500,
    same_point: float = 1e-4,
    seed=None,
) -> RegimeSweep:
    """Classify the fixed points reached from noisy patterns, for each ``beta``.

    ``trials`` memories of ``n_pairs`` patterns uniform on the unit sphere of dimension
    ``dim``; every pattern plus noise (:func:`noisy_queries`) is a query. The same
    patterns and queries serve every ``beta``.

    Parameters
    ----------
    n_pairs : int
        Stored patterns, ``2 <= n_pairs <= 4096``.
    dim : int
        ``2 <= dim <= 4096``.
    betas : sequence of float
        Inverse temperatures, each in ``[0, 1e6]``.
    trials : int
        ``1 <= trials <= 10**4``.
    noise : float
        Relative noise of the queries, ``0 <= noise <= 10``.
    max_steps, same_point
        As in :func:`classify_fixed_points`.
    seed : int, Generator or None

    Returns
    -------
    RegimeSweep
    """
    n_pairs = check_int("n_pairs", n_pairs, minimum=2, maximum=4096)
    dim = check_int("dim", dim, minimum=2, maximum=4096)
    trials = check_int("trials", trials, minimum=1, maximum=10**4)
    grid = np.array([check_real("beta", b, minimum=0.0, maximum=MAX_BETA) for b in betas])
    if grid.size == 0:
        raise ValueError("betas must hold at least one inverse temperature, got none")
    rng = as_generator(seed)
    patterns = _draw_patterns(trials, n_pairs, dim, rng)
    queries = noisy_queries(patterns, noise, rng)
    rows = []
    for beta in grid:
        c = classify_fixed_points(patterns, queries, float(beta), max_steps=max_steps,
                                  same_point=same_point)  # fmt: skip
        own = c.nearest == np.arange(n_pairs)[None, :]
        rows.append((c.participation.mean(), c.nearest_overlap.mean(), c.at_global.mean(),
                     c.metastable.mean(), c.single.mean(), (c.single & own).mean(),
                     c.converged.mean()))  # fmt: skip
    cols = np.array(rows, dtype=float).T
    return RegimeSweep(grid, *cols, n_pairs=n_pairs, dim=dim, trials=trials, noise=noise)


@dataclass(frozen=True)
class CapacityResult:
    """Largest ``n_pairs`` read with a mean relative error at most ``max_error``.

    Attributes
    ----------
    n_max : int
        The capacity (1 when even two pairs fail).
    dim : int
    beta : float
    max_error : float
    evaluations : dict
        ``{n_pairs: measured relative error}`` of every size tried.
    """

    n_max: int
    dim: int
    beta: float
    max_error: float
    evaluations: dict


def softmax_capacity(
    dim: int,
    *,
    max_error: float = 0.05,
    beta: float | None = None,
    reads: int = 4000,
    max_pairs: int = 8192,
    seed=None,
) -> CapacityResult:
    """Find the largest ``n_pairs`` that one softmax update reads within ``max_error``.

    The criterion: the mean relative error :math:`\\langle\\|\\hat v - v\\|^2/\\|v\\|^2\\rangle`
    of one update from the stored key (:func:`hebbian.attention.retrieval_trials`, rule
    ``"softmax"``) is at most ``max_error``. Sizes double from 2 until the criterion
    fails, then bisect; each size gets ``ceil(reads / n_pairs)`` random memories (at
    least 2) from one generator, so the search is reproducible for a seed.

    Parameters
    ----------
    dim : int
        ``2 <= dim <= 4096``.
    max_error : float
        ``0 < max_error < 1``.
    beta : float or None
        Inverse temperature; None means ``dim / 2``, the mean-field optimum of
        :func:`hebbian.theory.attention.softmax_relative_error`.
    reads : int
        Reads per size, ``1 <= reads <= 10**7``.
    max_pairs : int
        Largest size tried, ``2 <= max_pairs <= 16384``; reaching it returns it.
    seed : int, Generator or None

    Returns
    -------
    CapacityResult
    """
    dim = check_int("dim", dim, minimum=2, maximum=4096)
    max_error = check_real("max_error", max_error, minimum=0.0, maximum=1.0,
                           include_minimum=False, include_maximum=False)  # fmt: skip
    beta = dim / 2.0 if beta is None else check_real("beta", beta, minimum=0.0, maximum=MAX_BETA)
    reads = check_int("reads", reads, minimum=1, maximum=10**7)
    max_pairs = check_int("max_pairs", max_pairs, minimum=2, maximum=MAX_PAIRS)
    rng = as_generator(seed)
    evaluations: dict[int, float] = {}

    def passes(n: int) -> bool:
        trials = max(2, -(-reads // n))
        result = retrieval_trials("softmax", dim, n, trials=trials, beta=beta, seed=rng)
        evaluations[n] = result.rel_err
        return result.rel_err <= max_error

    if not passes(2):
        return CapacityResult(1, dim, beta, max_error, evaluations)
    lo, hi = 2, 4
    while hi <= max_pairs and passes(hi):
        lo, hi = hi, 2 * hi
    if hi > max_pairs:  # every power of two up to max_pairs passed
        if lo == max_pairs or passes(max_pairs):
            return CapacityResult(max_pairs, dim, beta, max_error, evaluations)
        hi = max_pairs
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if passes(mid) else (lo, mid)
    return CapacityResult(lo, dim, beta, max_error, evaluations)


def capacity_slope(dims, n_max) -> tuple[float, float]:
    r"""Fit :math:`\ln N_{max} = a + c\,d` by least squares; return ``(c, a)``.

    ``dims`` and ``n_max``: equal lengths, at least two distinct dimensions, every
    ``n_max >= 1``.
    """
    d = np.asarray(dims, dtype=float)
    n = np.asarray(n_max, dtype=float)
    if d.shape != n.shape or d.ndim != 1 or np.unique(d).size < 2:
        raise ValueError(
            f"dims and n_max must be 1-d of equal length with two distinct dims, got {d} and {n}"
        )
    if np.any(n < 1):
        raise ValueError(f"n_max must be >= 1, got {n}")
    slope, intercept = np.polyfit(d, np.log(n), 1)
    return float(slope), float(intercept)
