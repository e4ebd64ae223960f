"""Factorizers on random problems: accuracy, iterations, speed and operational capacity.

Kent, Frady, Sommer and Olshausen (Neural Computation 32, 2332 (2020)) measure a
factorizer on random problems: ``F`` random bipolar codebooks of ``D_f`` codevectors in
``N`` dimensions, one codevector of each bound into the composite, at most
:math:`k = 0.001\\,D_f^F` iterations, the accuracy per factor read off the last state.
Their *operational capacity* is the codebook size at which that accuracy falls through
0.99.

* :func:`resonator_trials` -- accuracy and speed over random problems, for a factorizer
  of :data:`METHODS` (the resonator network of :mod:`hebbian.vsa.resonator` today).
* :func:`operational_capacity` -- the codebook size at which the accuracy crosses the
  target, on given sizes or searched.
* :func:`default_max_iterations` -- Kent et al.'s iteration cap.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from hebbian._validation import check_choice, check_real
from hebbian.device import array_module
from hebbian.vsa.baselines import SOLVERS as BASELINES
from hebbian.vsa.resonator import ORDERS, WEIGHTS, _generator, _int, resonate
from hebbian.vsa.stochastic import stochastic_solver

__all__ = [
    "MAX_FACTORS",
    "MAX_ITERATIONS",
    "MAX_SEARCH_SPACE",
    "FACTORIZERS",
    "MAX_TRIAL_ENTRIES",
    "MAX_TRIALS",
    "METHODS",
    "SEARCH_REFINEMENTS",
    "check_trial_sizes",
    "default_max_iterations",
    "operational_capacity",
    "resonator_trials",
    "run_trials",
]


def _resonator(composite, books, *, weights, order, max_iterations, cycle_length, rng):
    return resonate(composite, books, weights=weights, order=order,
                    max_iterations=max_iterations, cycle_length=cycle_length)  # fmt: skip


#: The factorizers :func:`resonator_trials` runs, by name: each is called as
#: ``solver(composite, codebooks, *, weights, order, max_iterations, cycle_length, rng)``
#: on a batch (composite (T, N), codebooks F arrays (N, D_f), in the array module of the
#: run) and returns a :class:`~hebbian.vsa.resonator.ResonatorResult`; the options a
#: factorizer has no use for are ignored by it (``weights`` and ``order`` are the
#: resonator's).
FACTORIZERS = {
    "resonator": _resonator,
    "stochastic": stochastic_solver,
    **BASELINES,
}

#: Their names.
METHODS = tuple(FACTORIZERS)

#: Largest ``N F (D + batch)`` of :func:`resonator_trials`: its codebooks and the states
#: of one batch (a few GB at this size, in float32 and int8 copies).
MAX_TRIAL_ENTRIES = 2**28

#: Most factors of a run (Kent et al. measure up to 7).
MAX_FACTORS = 64
#: Most trials of one run (its per-trial records are held in memory).
MAX_TRIALS = 10**8
#: Largest iteration cap; the default ``0.001 D^F`` is clipped to it (search spaces
#: beyond :math:`10^{10}`, out of any factorizer's reach, would otherwise never end).
MAX_ITERATIONS = 10**7

#: Largest search space :math:`D^F` the capacity search of :func:`operational_capacity`
#: doubles up to (its iteration cap, 0.001 of it, is then a million iterations).
MAX_SEARCH_SPACE = 10**9
#: Bisection steps of that search after the doubling has bracketed the target.
SEARCH_REFINEMENTS = 6


def default_max_iterations(codebook_sizes: Sequence[int]) -> int:
    """Kent et al.'s iteration budget :math:`k = 0.001\\,M`, :math:`M = \\prod_f D_f`.

    Rounded down, at least 1: ``max(1, M // 1000)`` (493 for :math:`79^3`, 115 for
    :math:`340^2`).
    """
    sizes = [_int("codebook_size", d, 1) for d in codebook_sizes]
    return max(1, math.prod(sizes) // 1000)


def _draw_problems(rng: np.random.Generator, N: int, F: int, D: int, count: int):
    """Random codebooks (N, D) of +-1 and ``count`` composites of random true indices."""
    books = [(rng.integers(0, 2, size=(N, D), dtype=np.int8) * 2 - 1).astype(np.int8)
             for _ in range(F)]  # fmt: skip
    truth = rng.integers(0, D, size=(count, F))
    composite = np.ones((count, N), dtype=np.int8)
    for f in range(F):
        composite *= books[f][:, truth[:, f]].T
    return composite, books, truth


def check_trial_sizes(dimension, factors, codebook_size, trials, max_iterations, batch_size):
    """Check the sizes of a run of random problems; return them as integers.

    ``max_iterations`` None becomes :func:`default_max_iterations` (at most
    :data:`MAX_ITERATIONS`); ``factors``, ``trials`` and the cap are bounded by
    :data:`MAX_FACTORS`, :data:`MAX_TRIALS` and :data:`MAX_ITERATIONS`; the codebooks and
    the states of one batch, ``N F (D + batch)`` entries, are bounded by
    :data:`MAX_TRIAL_ENTRIES`. One-line ``ValueError`` messages name the value.
    """
    N = _int("dimension", dimension, 1)
    F = _int("factors", factors, 1)
    if F > MAX_FACTORS:
        raise ValueError(f"factors must be in [1, {MAX_FACTORS}], got {F}")
    D = _int("codebook_size", codebook_size, 1)
    trials = _int("trials", trials, 1)
    if trials > MAX_TRIALS:
        raise ValueError(f"trials must be in [1, {MAX_TRIALS}], got {trials}")
    batch_size = _int("batch_size", batch_size, 1)
    entries = N * F * (D + min(batch_size, trials))
    if entries > MAX_TRIAL_ENTRIES:
        raise ValueError(
            f"dimension x factors x (codebook_size + batch) must be at most "
            f"{MAX_TRIAL_ENTRIES} (the codebooks and the states of one batch), got "
            f"{N} x {F} x ({D} + {min(batch_size, trials)}) = {entries}"
        )
    if max_iterations is None:
        max_iterations = min(default_max_iterations([D] * F), MAX_ITERATIONS)
    max_iterations = _int("max_iterations", max_iterations, 1)
    if max_iterations > MAX_ITERATIONS:
        raise ValueError(f"max_iterations must be in [1, {MAX_ITERATIONS}], got {max_iterations}")
    return N, F, D, trials, max_iterations, batch_size


def resonator_trials(
    dimension: int,
    factors: int,
    codebook_size: int,
    trials: int,
    *,
    method: str = "resonator",
    weights: str = "op",
    order: str = "sequential",
    max_iterations: int | None = None,
    cycle_length: int = 20,
    batch_size: int = 1000,
    seed: int | np.random.Generator | None = None,
    device: str = "cpu",
) -> dict:
    """Accuracy and speed of a factorizer over random factorization problems.

    Kent et al.'s protocol: ``F = factors`` codebooks of ``D = codebook_size`` random
    bipolar codevectors of dimension ``N = dimension``, a true column drawn uniformly
    for each factor, the composite their product, then :func:`resonate` and a decode
    of the last state. Trials are run in batches of ``batch_size`` that share one draw
    of the codebooks (a fresh draw per batch; the true indices are drawn per trial), so
    the batch advances by matrix products. The draws come from one NumPy generator
    whatever the device, so a seed gives the same problems on the CPU and the GPU.
    References: Frady, Kent, Olshausen and Sommer, Neural Computation 32, 2311 (2020);
    Kent, Frady, Sommer and Olshausen, Neural Computation 32, 2332 (2020).

    Parameters
    ----------
    dimension, factors, codebook_size, trials : int
        :math:`N \\ge 1`, :math:`F \\ge 1`, :math:`D \\ge 1`, number of trials (>= 1).
    method : str, optional
        A factorizer of :data:`METHODS`; ``"resonator"``: :func:`resonate`.
    weights : {"op", "ols"}, optional
    order : {"sequential", "synchronous"}, optional
        See :func:`resonate` (synchronous is much worse).
    max_iterations : int or None, optional
        Iteration cap; None for Kent et al.'s :math:`k = \\max(1, \\lfloor 0.001\\,
        D^F \\rfloor)` (:func:`default_max_iterations`; 493 at :math:`D = 79, F = 3`).
    cycle_length : int, optional
        States kept for the limit-cycle test (:func:`resonate`).
    batch_size : int, optional
        Trials per batch (per codebook draw), >= 1.
    seed : int, numpy Generator or None, optional
    device : {"cpu", "gpu", "auto"}, optional

    Returns
    -------
    dict
        JSON-ready: the inputs (``dimension``, ``factors``, ``codebook_size``,
        ``search_space`` :math:`D^F`, ``method``, ``weights``, ``order``, ``max_iterations``,
        ``cycle_length``, ``batch_size``, ``trials``, ``device``), ``accuracy`` (the
        fraction of factors decoded correctly, per factor as in Kent et al.),
        ``accuracy_stderr`` (its standard error over trials), ``accuracy_all`` (the
        fraction of trials with every factor correct), ``iterations_median``,
        ``iterations_mean``, ``converged_fraction``, ``limit_cycle_fraction``,
        ``capped_fraction`` (trials that ran out of iterations), ``seconds`` (wall
        time, draws included) and ``trials_per_second``.

    Notes
    -----
    Cost :math:`4 N F D` flops per trial and iteration (:func:`resonate`); at the
    authors' capacity point (:math:`N = 1500, F = 3, D = 79`) the median trial
    converges in a few dozen iterations.
    """
    N, F, D, trials, max_iterations, batch_size = check_trial_sizes(
        dimension, factors, codebook_size, trials, max_iterations, batch_size
    )
    method = check_choice("method", method, METHODS)
    weights = check_choice("weights", weights, WEIGHTS)
    order = check_choice("order", order, ORDERS)
    cycle_length = _int("cycle_length", cycle_length, 0)
    xp = array_module(device)
    rng = _generator(seed)

    def solve(composite, books):
        return FACTORIZERS[method](
            xp.asarray(composite), [xp.asarray(b) for b in books], weights=weights,
            order=order, max_iterations=max_iterations, cycle_length=cycle_length, rng=rng,
        )  # fmt: skip

    settings = {"method": method, "weights": weights, "order": order,
                "max_iterations": max_iterations, "cycle_length": cycle_length,
                "batch_size": batch_size, "device": "gpu" if xp is not np else "cpu"}  # fmt: skip
    return run_trials((N, F, D), trials, batch_size, lambda count: _draw_problems(rng, N, F, D,
                      count), solve, settings)  # fmt: skip


def run_trials(sizes, trials, batch_size, draw, solve, settings) -> dict:
    """Run ``trials`` random problems in batches and summarise them (Kent et al.'s measures).

    ``draw(count)`` returns ``(composite, codebooks, truth)`` for a batch of ``count``
    problems on the host; ``solve(composite, codebooks)`` returns a
    :class:`~hebbian.vsa.resonator.ResonatorResult`. ``sizes`` is ``(N, F, D)`` and
    ``settings`` the run's settings, copied into the summary (the keys listed in
    :func:`resonator_trials`).
    """
    N, F, D = sizes
    correct = np.zeros((trials, F), dtype=bool)
    iterations = np.zeros(trials, dtype=np.int64)
    converged = np.zeros(trials, dtype=bool)
    cycles = np.zeros(trials, dtype=bool)
    start = time.perf_counter()
    for first in range(0, trials, batch_size):
        count = min(batch_size, trials - first)
        composite, books, truth = draw(count)
        result = solve(composite, books)
        rows = slice(first, first + count)
        correct[rows] = result.indices == truth
        iterations[rows] = result.iterations
        converged[rows] = result.converged
        cycles[rows] = result.limit_cycle
    seconds = time.perf_counter() - start
    per_trial = correct.mean(axis=1)
    stderr = float(per_trial.std(ddof=1) / math.sqrt(trials)) if trials > 1 else float("nan")
    return {
        "dimension": N,
        "factors": F,
        "codebook_size": D,
        "search_space": D**F,
        **settings,
        "trials": trials,
        "accuracy": float(per_trial.mean()),
        "accuracy_stderr": stderr,
        "accuracy_all": float(correct.all(axis=1).mean()),
        "iterations_median": float(np.median(iterations)),
        "iterations_mean": float(iterations.mean()),
        "converged_fraction": float(converged.mean()),
        "limit_cycle_fraction": float(cycles.mean()),
        "capped_fraction": float((~converged & ~cycles).mean()),
        "seconds": seconds,
        "trials_per_second": trials / seconds if seconds > 0 else float("inf"),
    }


def operational_capacity(
    dimension: int,
    factors: int,
    codebook_sizes: Sequence[int] | None,
    trials: int,
    *,
    method: str = "resonator",
    weights: str = "op",
    order: str = "sequential",
    max_iterations: int | None = None,
    cycle_length: int = 20,
    batch_size: int = 1000,
    seed: int | np.random.Generator | None = None,
    device: str = "cpu",
    target: float = 0.99,
) -> dict:
    """Operational capacity: the codebook size where the accuracy crosses ``target``.

    Kent et al.'s definition: with equal codebooks of size :math:`D` and at most
    :math:`k = 0.001\\,D^F` iterations (:func:`default_max_iterations`, at each
    :math:`D`), the per-factor accuracy :math:`p(D)` of :func:`resonator_trials` falls
    as :math:`D` grows; the capacity is the :math:`D^*` where :math:`p(D^*) = 0.99`,
    linearly interpolated between the two measured sizes that bracket the first
    crossing (the first adjacent pair, in increasing :math:`D`, with
    :math:`p \\ge` ``target`` then :math:`p <` ``target``), and the searchable space is
    :math:`M_{\\max} = (D^*)^F`. The authors' values include :math:`D^* = 79` at
    :math:`N = 1500, F = 3` and :math:`D^* = 340` at :math:`N = 1000, F = 2` (OP).
    Reference: Kent, Frady, Sommer and Olshausen, Neural Computation 32, 2332 (2020).

    Parameters
    ----------
    dimension, factors : int
    codebook_sizes : sequence of int or None
        At least two distinct sizes >= 1 (sorted here). ``None``: search them: double
        from the smallest size whose iteration cap is at least 10 (below it the
        accuracy measures the cap) while the accuracy reaches ``target`` (up to a search space
        :data:`MAX_SEARCH_SPACE`), then bisect the bracket on integers (at most
        :data:`SEARCH_REFINEMENTS` more sizes); every size measured is a point.
    trials : int
        Trials per size.
    max_iterations : int or None, optional
        None: Kent et al.'s cap :math:`0.001\\,D^F` at each size (their definition of
        the operational capacity); an integer: that cap at every size (to run a
        factorizer to convergence, as their baselines were).
    method, weights, order, cycle_length, batch_size, seed, device
        As :func:`resonator_trials` (one generator runs through all the sizes).
    target : float, optional
        The accuracy that defines capacity, in (0, 1].

    Returns
    -------
    dict
        JSON-ready: ``capacity`` (:math:`D^*`, or None when no measured pair brackets
        the target), ``search_space`` (:math:`(D^*)^F` or None), ``status``
        (``"interpolated"``, ``"above the largest size"`` when every accuracy reaches
        the target, ``"below the smallest size"`` when none does), ``target``,
        ``points`` (``[[D, accuracy], ...]``) and ``runs`` (the summary of
        :func:`resonator_trials` at each size).

    Notes
    -----
    Cost: the sum over the sizes of :func:`resonator_trials`; the iteration cap grows
    as :math:`D^F`, and so does the time of the trials that fail near capacity.
    """
    N = _int("dimension", dimension, 1)
    F = _int("factors", factors, 1)
    if F > MAX_FACTORS:
        raise ValueError(f"factors must be in [1, {MAX_FACTORS}], got {F}")
    trials = _int("trials", trials, 1)
    try:
        target = check_real("target", target, minimum=0.0, maximum=1.0, include_minimum=False)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    rng = _generator(seed)

    def measure(D):
        return resonator_trials(N, F, D, trials, method=method, weights=weights, order=order,
                                max_iterations=max_iterations,
                                cycle_length=cycle_length, batch_size=batch_size, seed=rng,
                                device=device)  # fmt: skip

    if codebook_sizes is None:
        start = _search_start(F)
        if start**F > MAX_SEARCH_SPACE:
            raise ValueError(
                f"factors = {F} is too many for the capacity search: its first codebook "
                f"size {start} already gives a search space {start}^{F} above "
                f"{MAX_SEARCH_SPACE}; pass codebook_sizes"
            )
        measured = _search_sizes(measure, F, target)
        sizes = sorted(measured)
        runs = [measured[D] for D in sizes]
    else:
        if isinstance(codebook_sizes, (str, bytes)) or not isinstance(codebook_sizes, Sequence):
            raise ValueError(
                f"codebook_sizes must be a sequence of integers, got {codebook_sizes!r}"
            )
        sizes = sorted(_int("codebook_sizes entry", d, 1) for d in codebook_sizes)
        if len(set(sizes)) != len(sizes) or len(sizes) < 2:
            raise ValueError(
                f"codebook_sizes must hold at least two distinct sizes, got {list(codebook_sizes)}"
            )
        runs = [measure(D) for D in sizes]
    points = [[D, run["accuracy"]] for D, run in zip(sizes, runs)]
    capacity, status = None, None
    for (d0, p0), (d1, p1) in zip(points, points[1:]):
        if p0 >= target > p1:
            capacity = d0 + (p0 - target) * (d1 - d0) / (p0 - p1)
            status = "interpolated"
            break
    if status is None:  # no crossing: all above the target, or the first one below
        above = points[0][1] >= target
        status = "above the largest size" if above else "below the smallest size"
    return {
        "dimension": N,
        "factors": F,
        "method": method,
        "weights": weights,
        "order": order,
        "target": target,
        "capacity": capacity,
        "search_space": None if capacity is None else capacity**F,
        "status": status,
        "points": points,
        "runs": runs,
    }


def _search_start(factors: int) -> int:
    """Smallest codebook size whose iteration cap ``0.001 D^F`` is at least 10.

    Below it the cap allows a few iterations only, and the accuracy measures the cap.
    """
    D = max(2, math.ceil(10_000 ** (1.0 / factors)))
    while D > 2 and default_max_iterations([D - 1] * factors) >= 10:
        D -= 1
    return D


def _search_sizes(measure, factors: int, target: float) -> dict[int, dict]:
    """Codebook sizes measured by doubling from :func:`_search_start`, then bisecting."""
    measured: dict[int, dict] = {}

    def good(D: int) -> bool:
        if D not in measured:
            measured[D] = measure(D)
        return measured[D]["accuracy"] >= target

    low, D = None, _search_start(factors)
    while D**factors <= MAX_SEARCH_SPACE and good(D):
        low, D = D, 2 * D
    if low is None or D**factors > MAX_SEARCH_SPACE:
        return measured  # below the smallest size, or above the largest searched
    high = D
    for _ in range(SEARCH_REFINEMENTS):
        if high - low <= 1:
            break
        middle = (low + high) // 2
        if good(middle):
            low = middle
        else:
            high = middle
    return measured
