"""Resonator networks (hebbian.vsa.resonator) against a slow reference and the papers.

The reference, ``resonate_reference``, lives here: one trial at a time, plain loops over
the factors, the N x N matrix W_f formed explicitly (X_f X_f^T, or X_f pinv(X_f)), the
previous states kept in a list. The published points are Kent, Frady, Sommer and
Olshausen, Neural Computation 32, 2332 (2020): with equal codebooks and at most
0.001 D^F iterations, the accuracy is 0.99 at D = 79 (N = 1500, F = 3) and D = 340
(N = 1000, F = 2) with outer-product weights, and at D = 99.3 (N = 1500, F = 3) with
least-squares weights.
"""

from __future__ import annotations

import numpy as np
import pytest

from hebbian.vsa.resonator import OLS_ZERO, resonate
from hebbian.vsa.trials import default_max_iterations, operational_capacity, resonator_trials


def resonate_reference(s, books, *, weights, order, max_iterations, cycle_length=20):
    """One problem, the algorithm as printed (Kent et al. 2020), in float64."""
    s = np.asarray(s, dtype=np.float64)
    X = [np.asarray(b, dtype=np.float64) for b in books]
    F = len(X)
    W = [Xf @ Xf.T if weights == "op" else Xf @ np.linalg.pinv(Xf) for Xf in X]
    tol = 0.0 if weights == "op" else OLS_ZERO

    def sgn(v):
        return np.where(v >= -tol, 1.0, -1.0)  # sgn(0) = +1

    x = [sgn(Xf.sum(axis=1)) for Xf in X]  # superposition of the codebook
    seen = [np.concatenate(x).tobytes()]
    converged = cycle = False
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        previous = [xf.copy() for xf in x]
        if order == "sequential":
            for f in range(F):
                u = s.copy()
                for g in range(F):
                    if g != f:
                        u = u * x[g]  # factors g < f already updated
                x[f] = sgn(W[f] @ u)
        else:
            new = []
            for f in range(F):
                u = s.copy()
                for g in range(F):
                    if g != f:
                        u = u * previous[g]
                new.append(sgn(W[f] @ u))
            x = new
        converged = all(np.array_equal(a, b) for a, b in zip(x, previous))
        key = np.concatenate(x).tobytes()
        cycle = not converged and cycle_length > 1 and key in seen[-cycle_length:]
        seen.append(key)
        if converged or cycle:
            break
    sims = [x[f] @ X[f] for f in range(F)]
    indices = [int(np.argmax(np.abs(v))) for v in sims]
    signs = [1 if sims[f][indices[f]] >= 0 else -1 for f in range(F)]
    return {
        "indices": indices,
        "signs": signs,
        "iterations": iterations,
        "converged": converged,
        "limit_cycle": cycle,
        "states": np.array(x, dtype=np.int8),
    }


def problems(rng, N, F, D, T):
    books = [rng.choice(np.array([-1, 1], dtype=np.int8), size=(N, D)) for _ in range(F)]
    truth = rng.integers(0, D, size=(T, F))
    s = np.ones((T, N), dtype=np.int8)
    for f in range(F):
        s *= books[f][:, truth[:, f]].T
    return s, books, truth


def assert_parity(s, books, fast, **options):
    for i in range(s.shape[0]):
        ref = resonate_reference(s[i], books, **options)
        assert list(fast.indices[i]) == ref["indices"], i
        assert list(fast.signs[i]) == ref["signs"], i
        assert fast.iterations[i] == ref["iterations"], i
        assert fast.converged[i] == ref["converged"], i
        assert fast.limit_cycle[i] == ref["limit_cycle"], i
        np.testing.assert_array_equal(fast.states[i], ref["states"])


@pytest.mark.parametrize("weights", ["op", "ols"])
@pytest.mark.parametrize("order", ["sequential", "synchronous"])
def test_parity_with_the_reference(weights, order):
    # Small, overloaded problems: every stop (converged, cycle, cap) occurs. T = 80 is
    # above the threading threshold, so the split over threads is exercised too.
    rng = np.random.default_rng(11)
    flags = np.zeros(3, dtype=int)
    for N, F, D, T in [(40, 2, 12, 80), (64, 3, 6, 80), (33, 3, 5, 30)]:
        s, books, _ = problems(rng, N, F, D, T)
        options = dict(weights=weights, order=order, max_iterations=25, cycle_length=6)
        fast = resonate(s, books, **options)
        assert_parity(s, books, fast, **options)
        capped = ~fast.converged & ~fast.limit_cycle
        flags += [fast.converged.sum(), fast.limit_cycle.sum(), capped.sum()]
    assert flags[0] > 0 and flags[1] > 0  # both stops seen


def test_parity_with_unequal_codebooks_and_a_single_problem():
    rng = np.random.default_rng(5)
    N = 50
    books = [rng.choice([-1, 1], size=(N, D)) for D in (3, 9, 5)]
    s = books[0][:, 1] * books[1][:, 7] * books[2][:, 4]
    fast = resonate(s, books, max_iterations=30)  # a 1-D composite is one problem
    assert fast.indices.shape == (1, 3)
    assert_parity(s[None, :], books, fast, weights="op", order="sequential",
                  max_iterations=30)  # fmt: skip
    assert list(fast.indices[0]) == [1, 7, 4]
    assert fast.converged[0] and fast.sign_product[0] == 1


def test_every_factor_recovered_in_a_small_search_space():
    rng = np.random.default_rng(3)
    s, books, truth = problems(rng, 500, 3, 10, 50)
    for weights in ("op", "ols"):
        out = resonate(s, books, weights=weights, max_iterations=50)
        np.testing.assert_array_equal(out.indices, truth)
        assert out.converged.all()
        assert (out.sign_product == 1).all()
        # the last states are the true codevectors up to sign
        for f in range(3):
            cos = np.einsum("tn,nt->t", out.states[:, f].astype(int), books[f][:, truth[:, f]])
            np.testing.assert_array_equal(np.abs(cos), 500)


def test_a_limit_cycle_is_detected_and_is_a_real_cycle():
    # Tiny overloaded problems (N = 24, F = 3, D = 8, seed 7) oscillate often. Every
    # trial flagged must have a state that recurs at a lag 2 <= p <= cycle_length; with
    # the test off (cycle_length=0) the same trials run to the cap instead.
    rng = np.random.default_rng(7)
    s, books, _ = problems(rng, 24, 3, 8, 200)
    out = resonate(s, books, max_iterations=60, cycle_length=20)
    flagged = np.flatnonzero(out.limit_cycle)
    assert flagged.size >= 5
    X = [b.astype(float) for b in books]
    for i in flagged[:10]:
        x = [np.where(Xf.sum(axis=1) >= 0, 1.0, -1.0) for Xf in X]
        trace = [np.concatenate(x).tobytes()]
        for _ in range(out.iterations[i]):
            for f in range(3):
                u = s[i] * np.prod([x[g] for g in range(3) if g != f], axis=0)
                x[f] = np.where(X[f] @ (X[f].T @ u) >= 0, 1.0, -1.0)
            trace.append(np.concatenate(x).tobytes())
        lags = [k for k in range(2, 21) if len(trace) > k and trace[-1] == trace[-1 - k]]
        assert lags, i
        assert trace[-1] != trace[-2]  # not a fixed point
    off = resonate(s[flagged], books, max_iterations=60, cycle_length=0)
    assert not off.limit_cycle.any()
    assert (off.iterations == 60).all() and not off.converged.any()


def test_default_iteration_cap():
    assert default_max_iterations([79] * 3) == 493
    assert default_max_iterations([340] * 2) == 115
    assert default_max_iterations([5, 5]) == 1


def test_kent_point_f3_op():
    # (N, F, D) = (1500, 3, 79), cap 493: published accuracy 0.99. 200 trials in two
    # codebook draws; tolerance 0.02 (the binomial standard error is about 0.007).
    out = resonator_trials(1500, 3, 79, 200, batch_size=100, seed=2024)
    assert out["max_iterations"] == 493
    assert abs(out["accuracy"] - 0.99) <= 0.02, out


def test_kent_point_f2_op():
    # (1000, 2, 340), cap 115: published 0.99; 120 trials, tolerance 0.03. Many correct
    # trials end on the cap still moving, so the decode is of the last state.
    out = resonator_trials(1000, 2, 340, 120, batch_size=120, seed=2025)
    assert out["max_iterations"] == 115
    assert abs(out["accuracy"] - 0.99) <= 0.03, out


def test_ols_beats_op_beyond_the_op_capacity():
    # D = 99 at (1500, 3): OLS's capacity (99.3) against OP's 79; 150 trials each, the
    # same problems (same seed; we measured 0.964 against 0.993). OLS must be at least
    # 0.02 better and within 0.03 of 0.99.
    op = resonator_trials(1500, 3, 99, 150, weights="op", batch_size=150, seed=99)
    ols = resonator_trials(1500, 3, 99, 150, weights="ols", batch_size=150, seed=99)
    assert ols["accuracy"] >= op["accuracy"] + 0.02, (op["accuracy"], ols["accuracy"])
    assert ols["accuracy"] >= 0.96, ols


def test_synchronous_is_far_worse_than_sequential():
    # At Kent's point the sequential order gets ~0.99, the synchronous one ~0.1 (we
    # measured 0.085 over 1000 trials): threshold 0.5 on 60 trials.
    seq = resonator_trials(1500, 3, 79, 60, batch_size=60, seed=5)
    syn = resonator_trials(1500, 3, 79, 60, order="synchronous", batch_size=60, seed=5)
    assert seq["accuracy"] >= 0.95
    assert syn["accuracy"] <= 0.5, syn


def test_operational_capacity_interpolates():
    # N = 500, F = 2: D = 100 (cap 10 iterations) is solved, D = 200 (cap 40) is not
    # (we measured 1.0 and 0.86 on 60 trials).
    out = operational_capacity(500, 2, [200, 100, 140], 60, seed=1, batch_size=60)
    accuracies = [p for _, p in out["points"]]
    assert [d for d, _ in out["points"]] == [100, 140, 200]
    assert [r["max_iterations"] for r in out["runs"]] == [10, 19, 40]
    assert out["status"] == "interpolated"
    assert accuracies[0] >= 0.99 > accuracies[-1]
    assert 100 <= out["capacity"] <= 200
    assert out["search_space"] == pytest.approx(out["capacity"] ** 2)
    easy = operational_capacity(500, 2, [10, 20], 10, seed=1)
    assert easy["status"] == "above the largest size" and easy["capacity"] is None


def test_trials_summary_is_json_ready():
    import json

    out = resonator_trials(200, 2, 6, 10, seed=0)
    json.dumps(out)
    for key in ("accuracy", "accuracy_all", "iterations_median", "converged_fraction",
                "limit_cycle_fraction", "trials", "seconds", "trials_per_second"):  # fmt: skip
        assert key in out


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: resonator_trials(0, 3, 10, 5), "dimension must be >= 1, got 0"),
        (lambda: resonator_trials(1.5, 3, 10, 5), "dimension must be an integer, got 1.5"),
        (lambda: resonator_trials(100, 3, 10, 5, seed="x"), "seed must be an int"),
        (lambda: resonator_trials(100, 3, 10, 0), "trials must be >= 1, got 0"),
        (lambda: resonator_trials(100, 3, 10, 5, weights="x"), "weights must be one of"),
        (lambda: resonator_trials(100, 3, 10, 5, order="async"), "order must be one of"),
        (lambda: resonator_trials(100, 3, 10, 5, method="x"), "method must be one of"),
        (lambda: resonator_trials(100, 3, 10, 5, max_iterations=0), "max_iterations must"),
        (lambda: resonator_trials(100, 3, 10, 5, batch_size=0), "batch_size must be >= 1"),
        (lambda: resonator_trials(100, 3, 10, 5, device="tpu"), "device must be one of"),
        (lambda: resonator_trials(100, 3, 10, 5, seed=-1), "seed must be"),
        (lambda: operational_capacity(100, 2, [10], 5), "at least two distinct sizes"),
        (lambda: operational_capacity(100, 2, [10, 10], 5), "at least two distinct"),
        (lambda: operational_capacity(100, 2, [10, 20], 5, target=1.5), "target must be"),
        (lambda: resonate(np.zeros((2, 4)), [np.ones((4, 2))], max_iterations=3),
         "composite entries must be -1 or +1, got"),
        (lambda: resonate(np.ones((2, 4)), [np.ones((5, 2))], max_iterations=3),
         "codebooks[0] must have shape (N, D_f) = (4, >= 1)"),
        (lambda: resonate(np.ones((2, 4)), [], max_iterations=3), "at least one codebook"),
        (lambda: resonate(np.ones((2, 4)), [np.ones((4, 2))], max_iterations=3,
                          cycle_length=-1), "cycle_length must be >= 0"),
        (lambda: resonate(np.ones((2, 2, 4)), [np.ones((4, 2))], max_iterations=3),
         "composite must be 1-D or 2-D"),
    ],
)  # fmt: skip
def test_bad_inputs_are_refused_in_one_line(call, message):
    with pytest.raises(ValueError) as info:
        call()
    text = str(info.value)
    assert message in text and "\n" not in text


def test_cupy_matches_numpy():
    cupy = pytest.importorskip("cupy")
    try:
        cupy.cuda.runtime.getDeviceCount()
    except Exception:  # pragma: no cover - depends on the machine
        pytest.skip("CuPy finds no CUDA device")
    rng = np.random.default_rng(4)
    s, books, _ = problems(rng, 300, 3, 12, 64)
    for weights in ("op", "ols"):
        for order in ("sequential", "synchronous"):
            options = dict(weights=weights, order=order, max_iterations=40, cycle_length=8)
            cpu = resonate(s, books, **options)
            gpu = resonate(cupy.asarray(s), [cupy.asarray(b) for b in books], **options)
            for field in ("indices", "signs", "iterations", "converged", "limit_cycle",
                          "states"):  # fmt: skip
                np.testing.assert_array_equal(getattr(cpu, field), getattr(gpu, field))
    a = resonator_trials(500, 3, 10, 20, seed=8)
    b = resonator_trials(500, 3, 10, 20, seed=8, device="gpu")
    assert a["accuracy"] == b["accuracy"] and a["iterations_median"] == b["iterations_median"]


def test_capacity_search_doubles_then_bisects_on_a_known_curve():
    # A made-up accuracy that falls through 0.99 between D = 79 and 80: doubling from the
    # first size with an iteration cap >= 10 (22 at F = 3), then bisection of (44, 88].
    from hebbian.vsa.trials import _search_sizes, _search_start

    assert _search_start(3) == 22 and default_max_iterations([22] * 3) >= 10
    assert default_max_iterations([21] * 3) < 10
    measured = _search_sizes(lambda D: {"accuracy": 1.0 if D <= 79 else 0.9}, 3, 0.99)
    assert sorted(measured) == [22, 44, 66, 77, 79, 80, 82, 88]  # closed to neighbours
    below = _search_sizes(lambda D: {"accuracy": 0.5}, 3, 0.99)
    assert sorted(below) == [22]  # below the smallest size: nothing more to measure
