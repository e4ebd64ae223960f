"""Optimisation baselines (hebbian.vsa.baselines) against slow references and the paper.

The references here run one trial at a time, with the equations as printed in Kent,
Frady, Sommer and Olshausen, Neural Computation 32, 2332 (2020) and their public code:
ALS solves each factor's least-squares problem with ``numpy.linalg.pinv`` of the N x D
matrix diag(prod of the other factors) X_f; PGD takes a gradient step on the negative
inner product and projects each factor's coefficients onto the simplex by the sorting
algorithm. Their capacity table gives D_f = 23.7 (ALS) and 21.5 (PGD) at 99% accuracy
for N = 1500, F = 3.
"""

from __future__ import annotations

import numpy as np
import pytest

from hebbian.vsa.baselines import (
    ALS_TOLERANCE,
    ISTA_SPARSITY,
    ISTA_TOLERANCE,
    MSC_STEP,
    MSC_THRESHOLD,
    MSC_TOLERANCE,
    MW_STEP,
    MW_TOLERANCE,
    PGD_STEP,
    PGD_TOLERANCE,
    SOLVERS,
    als,
    fista,
    ista,
    map_seeking,
    multiplicative_weights,
    projected_gradient,
)
from hebbian.vsa.trials import FACTORIZERS, METHODS, resonator_trials


def simplex_reference(v):
    """Projection of one vector onto the probability simplex, by sorting."""
    if np.sum(v) == 1.0 and np.all(v >= 0):
        return v
    u = np.sort(v)[::-1]
    css = np.cumsum(u)
    rho = np.nonzero(u > (css - 1.0) / np.arange(1, len(v) + 1))[0][-1]
    theta = (css[rho] - 1.0) / (rho + 1)
    return np.maximum(v - theta, 0.0)


def descend_reference(s, books, method, max_iterations):
    """One problem, ALS or PGD as printed, in float64."""
    s = np.asarray(s, dtype=np.float64)
    X = [np.asarray(b, dtype=np.float64) for b in books]
    F = len(X)
    if method == "als":
        a = [np.ones(Xf.shape[1]) for Xf in X]
        tolerance, scale = ALS_TOLERANCE, 1.0
    else:
        a = [np.ones(Xf.shape[1]) / Xf.shape[1] for Xf in X]
        tolerance, scale = PGD_TOLERANCE, PGD_STEP
    x = [X[f] @ a[f] for f in range(F)]
    converged = False
    iterations = 0
    while not converged and iterations < max_iterations:
        previous = [af.copy() for af in a]
        done = []
        for f in range(F):
            p = np.ones_like(s)
            for g in range(F):
                if g != f:
                    p = p * x[g]
            if method == "als":
                a[f] = np.linalg.pinv(p[:, None] * X[f]) @ s
            else:
                gradient = -(X[f].T @ (s * p))
                a[f] = simplex_reference(a[f] - PGD_STEP * gradient)
            x[f] = X[f] @ a[f]
            done.append(np.mean(np.abs(previous[f] - a[f])) / scale < tolerance)
        iterations += 1
        converged = all(done)
    sims = [x[f] @ X[f] for f in range(F)]
    return [int(np.argmax(np.abs(v))) for v in sims], iterations, converged


def others_reference(s, books, method, max_iterations):
    """One problem, ISTA, FISTA, MW or MSC as printed, in float64 (MW's weights kept
    unnormalised, as in the authors' code). Returns the decode, the iterations, the
    convergence flag and the signs of the last real states."""
    s = np.asarray(s, dtype=np.float64)
    X = [np.asarray(b, dtype=np.float64) for b in books]
    F = len(X)
    if method == "mw":
        w = [np.ones(Xf.shape[1]) for Xf in X]
        a = [wf / wf.sum() for wf in w]
    else:
        a = [np.ones(Xf.shape[1]) for Xf in X]
    y = [af.copy() for af in a]  # FISTA's auxiliary points
    momentum = [1.0] * F
    x = [X[f] @ a[f] for f in range(F)]
    converged = False
    iterations = 0
    while not converged and iterations < max_iterations:
        previous = [af.copy() for af in a]
        done = []
        for f in range(F):
            p = np.prod([x[g] for g in range(F) if g != f], axis=0)
            if method in ("ista", "fista"):
                Xi = p[:, None] * X[f]
                L = np.linalg.eigvalsh(Xi.T @ Xi)[-1]
                step = 1.0 / L if L != 0 else 1e-3
                point = y[f] if method == "fista" else a[f]
                gradient = -(Xi.T @ (s - Xi @ point))
                v = point - step * gradient
                a[f] = np.sign(v) * np.maximum(np.abs(v) - ISTA_SPARSITY * step, 0.0)
                if method == "fista":
                    t_next = (1 + np.sqrt(1 + 4 * momentum[f] ** 2)) / 2
                    y[f] = a[f] + (momentum[f] - 1) / t_next * (a[f] - previous[f])
                    momentum[f] = t_next
                change = np.mean(np.abs(a[f] - previous[f]))
                done.append(change < ISTA_TOLERANCE)
            else:
                gradient = -(X[f].T @ (s * p))
                if method == "mw":
                    w[f] = w[f] * (1 - MW_STEP * gradient / np.max(np.abs(gradient)))
                    a[f] = w[f] / w[f].sum()
                    change = np.mean(np.abs(a[f] - previous[f])) / MW_STEP
                    active = np.sum(a[f] > 1e-2) / len(a[f])
                    done.append(active <= 0.5 and change < MW_TOLERANCE)
                else:
                    g_min = np.min(gradient)
                    direction = 1 + gradient / abs(g_min) if g_min != 0 else 0 * gradient
                    a[f] = a[f] - MSC_STEP * direction
                    a[f][a[f] < MSC_THRESHOLD] = 0.0
                    change = np.mean(np.abs(a[f] - previous[f])) / MSC_STEP
                    done.append(change < MSC_TOLERANCE)
            x[f] = X[f] @ a[f]
        iterations += 1
        converged = all(done)
    indices = [int(np.argmax(np.abs(x[f] @ X[f]))) for f in range(F)]
    states = np.array([np.where(xf >= 0, 1, -1) for xf in x], dtype=np.int8)
    return indices, iterations, converged, states


NEW = {"ista": ista, "fista": fista, "mw": multiplicative_weights, "msc": map_seeking}


def problems(rng, N, sizes, T):
    books = [rng.choice(np.array([-1, 1], dtype=np.int8), size=(N, D)) for D in sizes]
    truth = np.stack([rng.integers(0, D, size=T) for D in sizes], axis=1)
    s = np.ones((T, N), dtype=np.int8)
    for f, book in enumerate(books):
        s *= book[:, truth[:, f]].T
    return s, books, truth


@pytest.mark.parametrize("method", ["als", "pgd"])
def test_batched_equals_the_reference(method):
    # Small, overloaded problems (many trials fail, some hit the cap), unequal codebooks.
    solver = als if method == "als" else projected_gradient
    rng = np.random.default_rng(7)
    stops = np.zeros(2, dtype=int)
    for N, sizes, T, cap in [
        (60, (6, 6, 6), 25, 30),
        (80, (12, 12), 25, 2),
        (70, (3, 8, 5), 20, 40),
    ]:
        s, books, _ = problems(rng, N, sizes, T)
        fast = solver(s, books, max_iterations=cap)
        for i in range(T):
            indices, iterations, converged = descend_reference(s[i], books, method, cap)
            assert list(fast.indices[i]) == indices, (N, i)
            assert fast.iterations[i] == iterations, (N, i)
            assert fast.converged[i] == converged, (N, i)
        stops += [fast.converged.sum(), (~fast.converged).sum()]
    assert stops.min() > 0  # both stops seen: converged and capped


@pytest.mark.parametrize("method", sorted(NEW))
def test_new_batched_equals_the_reference(method):
    # Overloaded problems (some trials fail), unequal codebooks, tight and loose caps:
    # the batched code follows each trial of the plain loop step by step.
    rng = np.random.default_rng(11)
    stops = np.zeros(2, dtype=int)
    for N, sizes, T, cap in [
        (60, (6, 6, 6), 12, 1),
        (60, (6, 6, 6), 12, 60),
        (70, (3, 8, 5), 12, 4),
        (80, (12, 12), 12, 60),
    ]:
        s, books, _ = problems(rng, N, sizes, T)
        fast = NEW[method](s, books, max_iterations=cap)
        for i in range(T):
            indices, iterations, converged, states = others_reference(s[i], books, method, cap)
            assert list(fast.indices[i]) == indices, (N, cap, i)
            assert fast.iterations[i] == iterations, (N, cap, i)
            assert fast.converged[i] == converged, (N, cap, i)
            np.testing.assert_array_equal(fast.states[i], states, err_msg=f"{N} {cap} {i}")
        stops += [fast.converged.sum(), (~fast.converged).sum()]
    assert stops.min() > 0  # both stops seen: converged and capped


@pytest.mark.parametrize("method", sorted(NEW))
def test_new_methods_solve_easy_problems(method):
    rng = np.random.default_rng(4)
    s, books, truth = problems(rng, 400, (6, 6, 6), 40)
    result = SOLVERS[method](s, books, weights="op", order="sequential", max_iterations=10_000,
                             cycle_length=20, rng=None)  # fmt: skip
    np.testing.assert_array_equal(result.indices, truth)
    assert result.converged.all()
    assert not result.limit_cycle.any()
    assert set(np.unique(result.states)) <= {-1, 1} and result.states.dtype == np.int8
    # the states are the codevectors up to sign, so the raw signs multiply to +1
    np.testing.assert_array_equal(result.sign_product, np.ones(40, dtype=np.int8))


@pytest.mark.parametrize("method", sorted(NEW))
def test_new_methods_deterministic_under_a_seed(method):
    options = dict(batch_size=20, seed=5, max_iterations=200)
    first = resonator_trials(300, 3, 8, 40, method=method, **options)
    second = resonator_trials(300, 3, 8, 40, method=method, **options)
    for key in ("accuracy", "accuracy_all", "converged_fraction", "iterations_mean"):
        assert first[key] == second[key], key


@pytest.mark.parametrize("method", ["als", "pgd"])
def test_every_factor_recovered_in_a_tiny_search_space(method):
    rng = np.random.default_rng(1)
    s, books, truth = problems(rng, 400, (4, 4, 4), 60)
    result = SOLVERS[method](s, books, weights="op", order="sequential", max_iterations=200,
                             cycle_length=20, rng=None)  # fmt: skip
    np.testing.assert_array_equal(result.indices, truth)
    assert result.converged.all()
    assert not result.limit_cycle.any()
    assert set(np.unique(result.states)) <= {-1, 1} and result.states.dtype == np.int8
    np.testing.assert_array_equal(result.sign_product, result.signs.prod(axis=1))


def test_registered_with_the_trial_driver():
    assert {"resonator", "als", "pgd", "ista", "fista", "mw", "msc"} <= set(METHODS)
    for name in SOLVERS:
        assert FACTORIZERS[name] is SOLVERS[name]


def test_als_far_below_the_resonator():
    # N = 1500, F = 3, D = 40 (k = 64), 100 trials sharing one codebook draw: the
    # resonator (OP) is far inside its capacity (79); ALS is far past its own (23.7).
    # Over seeds 0-3 we measured 0.99-1.00 for the resonator (one failed trial costs
    # 0.01) and 0.65-0.85 for ALS (the codebook draw matters), hence the thresholds.
    options = dict(batch_size=100, seed=3)
    resonator = resonator_trials(1500, 3, 40, 100, method="resonator", **options)
    baseline = resonator_trials(1500, 3, 40, 100, method="als", **options)
    assert resonator["accuracy"] >= 0.97
    assert baseline["accuracy"] <= 0.90
    assert resonator["accuracy"] - baseline["accuracy"] >= 0.1
    assert baseline["limit_cycle_fraction"] == 0.0


def test_the_published_als_point():
    # Kent et al.: ALS accuracy 0.99 at D = 23.7 (N = 1500, F = 3). At D = 24, 300
    # trials over 6 codebook draws. Run to convergence (cap 10000, the default of the
    # authors' benchmark code) we measured 0.980-0.993 over seeds 0-5 (mean 0.987,
    # standard deviation 0.005; 0.9895 over 2000 trials), so [0.955, 1] leaves about 6
    # standard deviations. With the resonator's budget k = 0.001 * 24^3 = 13, ALS stops
    # short in 3-8% of the trials (median 7 iterations, a long tail) and scored
    # 0.948-0.983 on the same problems, always below the converged run.
    options = dict(batch_size=50, seed=2)
    free = resonator_trials(1500, 3, 24, 300, method="als", max_iterations=10_000, **options)
    capped = resonator_trials(1500, 3, 24, 300, method="als", **options)
    assert capped["max_iterations"] == 13
    assert 0.955 <= free["accuracy"] <= 1.0
    assert free["converged_fraction"] == 1.0
    assert capped["accuracy"] < free["accuracy"]
    assert capped["capped_fraction"] > 0.02


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(method="als", max_iterations=0), "max_iterations"),
        (dict(method="alsx"), "method"),
        (dict(method="pgd", trials=0), "trials"),
        (dict(method="als", codebook_size=0), "codebook_size"),
    ],
)
def test_bad_trial_inputs_refused_in_one_line(kwargs, match):
    args = dict(dimension=50, factors=2, codebook_size=4, trials=3)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match) as info:
        resonator_trials(**args)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda s, b: als(s * 2, b, max_iterations=5), "composite"),
        (lambda s, b: als(s, [b[0][:-1]], max_iterations=5), "codebooks"),
        (lambda s, b: als(s, b[0], max_iterations=5), "codebooks"),
        (lambda s, b: als(s, b, max_iterations=5, tolerance=-1.0), "tolerance"),
        (lambda s, b: projected_gradient(s, b, max_iterations=5, step=0), "step"),
        (lambda s, b: projected_gradient(s, b, max_iterations=True), "max_iterations"),
        (lambda s, b: projected_gradient(s, [], max_iterations=5), "codebooks"),
        (lambda s, b: ista(s, b, max_iterations=0), "max_iterations"),
        (lambda s, b: ista(s, b, max_iterations=5, sparsity=-0.1), "sparsity"),
        (lambda s, b: ista(s * 3, b, max_iterations=5), "composite"),
        (lambda s, b: fista(s, b, max_iterations=5, tolerance=0), "tolerance"),
        (lambda s, b: fista(s, b, max_iterations=5, sparsity="a"), "sparsity"),
        (lambda s, b: multiplicative_weights(s, b, max_iterations=5, step=1.0), "step"),
        (lambda s, b: multiplicative_weights(s, b, max_iterations=5, step=0), "step"),
        (lambda s, b: multiplicative_weights(s, b, max_iterations=5, tolerance=-1), "tolerance"),
        (lambda s, b: map_seeking(s, b, max_iterations=5, step=-0.1), "step"),
        (lambda s, b: map_seeking(s, b, max_iterations=5, threshold=-1e-5), "threshold"),
        (lambda s, b: map_seeking(s, b, max_iterations=5, tolerance=float("nan")), "tolerance"),
        (lambda s, b: map_seeking(s, [b[0][:-1]], max_iterations=5), "codebooks"),
    ],
)
def test_bad_solver_inputs_refused_in_one_line(call, match):
    s, books, _ = problems(np.random.default_rng(0), 20, (3, 3), 2)
    with pytest.raises(ValueError, match=match) as info:
        call(s, books)
    assert "\n" not in str(info.value)
