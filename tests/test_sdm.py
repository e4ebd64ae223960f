"""Kanerva's sparse distributed memory (hebbian.attention.sdm) and its theory (hebbian.theory.sdm).

Statistical checks state their thresholds: a count of ``r`` independent random locations
is binomial, and a deviation beyond 5 binomial standard errors has probability below
6e-7 per check.
"""

import itertools

import numpy as np
import pytest

import hebbian.attention.sdm as sdm_module
from hebbian.attention.sdm import (
    SparseDistributedMemory,
    activation_counts,
    hamming_distances,
    intersection_counts,
    random_addresses,
    softmax_read,
)
from hebbian.theory.sdm import (
    circle_intersection,
    fit_beta_regression,
    hamming_ball_probability,
    optimal_activation_probability,
    radius_for_probability,
    snr_optimal_radius,
)

# ---------------------------------------------------------------------------------------
# theory


def test_canonical_numbers():
    # Kanerva's canonical memory and the SNR-optimal probability (Bricken & Pehlevan 2021)
    assert hamming_ball_probability(1000, 451) == pytest.approx(1.07e-3, abs=0.005e-3)
    assert optimal_activation_probability(1e4, 1e6) == pytest.approx(3.684e-4, abs=5e-8)
    # n = 64, r = 2**64, m = 60000 (their Optimal_d notebook): p* = 7.67e-9, d* = 10
    assert optimal_activation_probability(60000, 2.0**64) == pytest.approx(7.67e-9, rel=1e-3)
    assert snr_optimal_radius(64, 60000, 2.0**64) == 10


def test_radius_for_probability_is_the_binomial_quantile():
    for n in (10, 64, 1000):
        for d in (0, 1, n // 3, n // 2, n - 1, n):
            p = float(hamming_ball_probability(n, d))
            if d < n and p > 1 - 1e-9:  # 1 - 2**-n rounds to 1 in floating point
                continue
            assert radius_for_probability(n, p) == d
            if d < n:
                assert radius_for_probability(n, min(1.0, p * (1 + 1e-9))) == d + 1


def test_hamming_ball_probability_is_vectorised():
    d = np.array([[0, 1], [2, 10]])
    p = hamming_ball_probability(10, d)
    assert p.shape == (2, 2)
    assert p[0, 0] == pytest.approx(2.0**-10) and p[1, 1] == 1.0


@pytest.mark.parametrize("n", [1, 2, 7, 10])
def test_circle_intersection_against_enumeration(n):
    # every address of {0,1}^n, both centres fixed (the count is invariant under
    # permutations of the bits and flips of all addresses)
    points = np.array(list(itertools.product([0, 1], repeat=n)))
    for d in range(n + 1):
        exact = circle_intersection(n, d, np.arange(n + 1))
        for h in range(n + 1):
            x = np.zeros(n, dtype=int)
            y = x.copy()
            y[:h] = 1
            both = (np.abs(points - x).sum(1) <= d) & (np.abs(points - y).sum(1) <= d)
            assert exact[h] == pytest.approx(both.mean(), rel=1e-12, abs=1e-15), (n, d, h)
        assert exact[0] == pytest.approx(float(hamming_ball_probability(n, d)), rel=1e-12)
        assert np.all(exact[np.arange(n + 1) > 2 * d] == 0.0)


def test_circle_intersection_large_n_is_finite_and_decreasing():
    f = circle_intersection(1000, 451, np.arange(1001))
    assert np.all(np.isfinite(f)) and f[0] == pytest.approx(1.07185e-3, rel=1e-4)
    assert np.all(f[903:] == 0) and f[902] > 0
    # non-increasing, and constant from each odd distance to the next even one
    # (the lune of Kanerva 1988, app. B, grows only at odd h)
    assert np.all(np.diff(f) <= 1e-12 * f[:-1])
    assert np.allclose(f[1::2], f[2::2], rtol=1e-9, atol=0)
    assert np.all(f[2:903:2] > f[3:904:2])


def test_fit_beta_regression_is_least_squares():
    n, d = 64, 21
    fit = fit_beta_regression(n, d)
    h = np.arange(2 * d + 1)
    assert np.array_equal(fit.distances, h)
    slope, intercept = np.polyfit(1 - 2 * h / n, np.log(circle_intersection(n, d, h)), 1)
    assert fit.beta == pytest.approx(slope, rel=1e-10)
    assert fit.bias == pytest.approx(intercept, rel=1e-10)
    # beta falls as the radius grows (wider balls, flatter intersection)
    betas = [fit_beta_regression(n, r).beta for r in (15, 19, 23, 27)]
    assert np.all(np.diff(betas) < 0)
    sub = fit_beta_regression(n, d, distances=[0, 10, 20, 60])
    assert np.array_equal(sub.distances, [0, 10, 20])


@pytest.mark.parametrize(
    "call",
    [
        lambda: hamming_ball_probability(0, 0),
        lambda: hamming_ball_probability(10, 11),
        lambda: hamming_ball_probability(10, -1),
        lambda: hamming_ball_probability(10, 1.5),
        lambda: optimal_activation_probability(0, 10),
        lambda: optimal_activation_probability(10, float("inf")),
        lambda: radius_for_probability(10, 0.0),
        lambda: radius_for_probability(10, 1.5),
        lambda: circle_intersection(10, 11, 0),
        lambda: circle_intersection(10, 3, 11),
        lambda: circle_intersection(10, 3, [0, -1]),
        lambda: fit_beta_regression(10, 0),  # only h = 0 has a non-zero intersection
        lambda: fit_beta_regression(1, 0),
    ],
)
def test_theory_bad_arguments(call):
    with pytest.raises(ValueError):
        call()


# ---------------------------------------------------------------------------------------
# the memory


def test_hamming_distances_against_brute_force():
    rng = np.random.default_rng(1)
    addresses = random_addresses(40, 300, seed=2)
    points = rng.integers(0, 2, size=(7, 40))
    h = hamming_distances(points, addresses)
    brute = (points[:, None, :] != addresses[None, :, :]).sum(axis=2)
    assert h.dtype == np.int64 and np.array_equal(h, brute)
    assert np.array_equal(activation_counts(points, addresses, 17), (brute <= 17).sum(axis=1))


def test_activation_probability_against_the_binomial():
    # one random point per radius: its count of active locations is Bin(r, p) exactly
    n, r = 64, 1 << 15
    rng = np.random.default_rng(3)
    addresses = random_addresses(n, r, seed=4)
    for d in (20, 24, 28, 32):
        c = int(activation_counts(rng.integers(0, 2, size=n), addresses, d)[0])
        p = float(hamming_ball_probability(n, d))
        z = (c - r * p) / np.sqrt(r * p * (1 - p))
        assert abs(z) < 5, (d, c, r * p)


def test_intersection_counts_against_the_circle_intersection():
    # each (query, key) count is Bin(r, f(h)); 5 standard errors, about 20 checks
    n, r, d = 32, 1 << 14, 11
    rng = np.random.default_rng(5)
    addresses = random_addresses(n, r, seed=6)
    q = rng.integers(0, 2, size=n, dtype=np.uint8)
    h = np.arange(0, 2 * d + 3)
    keys = np.repeat(q[None], len(h), axis=0)
    for i, k in enumerate(h):
        keys[i, rng.permutation(n)[:k]] ^= 1
    counts = intersection_counts(q, keys, addresses, d)[0]
    f = circle_intersection(n, d, h)
    assert np.all(counts[h > 2 * d] == 0)  # the triangle inequality
    big = r * f >= 10
    z = (counts[big] - r * f[big]) / np.sqrt(r * f[big] * (1 - f[big]))
    assert big.sum() >= 10 and np.max(np.abs(z)) < 5


def test_read_is_the_weighted_sum_with_intersection_counts(monkeypatch):
    rng = np.random.default_rng(7)
    n, m = 48, 30
    keys = rng.integers(0, 2, size=(m, n))
    values = 2 * rng.integers(0, 2, size=(m, 20)) - 1
    queries = rng.integers(0, 2, size=(9, n))
    mem = SparseDistributedMemory(n, 5000, 18, value_dimension=20, seed=8)
    mem.write(keys[:10], values[:10])
    mem.write(keys[10:], values[10:])  # writes accumulate
    sums, signs = mem.read(queries)
    w = mem.read_weights(queries, keys)
    assert sums.dtype == np.int64 and signs.dtype == np.int8 and mem.n_written == m
    assert np.array_equal(w @ values, sums)
    assert np.array_equal(signs, np.where(sums >= 0, 1, -1))
    # the same numbers when every operation runs in tiny blocks
    monkeypatch.setattr(sdm_module, "CHUNK_ENTRIES", 97)
    small = SparseDistributedMemory(n, 5000, 18, value_dimension=20, seed=8)
    small.write(keys, values)
    assert np.array_equal(small.counters, mem.counters)
    assert np.array_equal(small.read(queries)[0], sums)
    assert np.array_equal(intersection_counts(queries, keys, small.addresses, 18), w)


def test_low_load_write_read_recovers_the_patterns():
    # n = 64, r = 2**14, d = 23: about 270 locations per ball; 5 patterns, their keys
    # 32 bits apart on average share about 0.4 % of them: the crosstalk is far below
    # the signal, so every component must come back (threshold: all of them)
    rng = np.random.default_rng(9)
    keys = rng.integers(0, 2, size=(5, 64))
    values = 2 * rng.integers(0, 2, size=(5, 64)) - 1
    mem = SparseDistributedMemory(64, 1 << 14, 23, seed=10)
    mem.write(keys, values)
    noisy = keys.copy()
    noisy[:, :3] ^= 1  # 3 flipped bits
    for queries in (keys, noisy):
        assert np.array_equal(mem.read(queries)[1], values)


def test_softmax_read_limits():
    rng = np.random.default_rng(11)
    keys = rng.integers(0, 2, size=(6, 32))
    values = rng.normal(size=(6, 4))
    flat = softmax_read(keys, keys, values, 0.0)
    assert np.allclose(flat, values.mean(axis=0))
    sharp = softmax_read(keys, keys, values, 1e4)
    assert np.allclose(sharp, values)


def test_seeded_determinism():
    a = SparseDistributedMemory(20, 500, 7, seed=12)
    b = SparseDistributedMemory(20, 500, 7, seed=12)
    c = SparseDistributedMemory(20, 500, 7, seed=13)
    assert np.array_equal(a.addresses, b.addresses)
    assert not np.array_equal(a.addresses, c.addresses)
    keys = np.random.default_rng(0).integers(0, 2, size=(4, 20))
    for mem in (a, b):
        mem.write(keys, 1 - 2 * keys)
    assert np.array_equal(a.read(keys)[0], b.read(keys)[0])


@pytest.mark.parametrize(
    "call",
    [
        lambda: SparseDistributedMemory(0, 10, 0),
        lambda: SparseDistributedMemory(10, 0, 0),
        lambda: SparseDistributedMemory(10, 10, 11),
        lambda: SparseDistributedMemory(10, 10, -1),
        lambda: SparseDistributedMemory(10, 10, 3, value_dimension=0),
        lambda: SparseDistributedMemory(10, 10, 3).write(np.full(10, 2), np.ones(10)),
        lambda: SparseDistributedMemory(10, 10, 3).write(np.zeros(9), np.ones(10)),
        lambda: SparseDistributedMemory(10, 10, 3).write(np.zeros(10), np.zeros(10)),
        lambda: SparseDistributedMemory(10, 10, 3).write(np.zeros((2, 10)), np.ones((3, 10))),
        lambda: SparseDistributedMemory(10, 10, 3).read(np.zeros((2, 3, 10))),
        lambda: activation_counts(np.zeros(10), random_addresses(10, 5), 11),
        lambda: intersection_counts(np.zeros(10), np.zeros(9), random_addresses(10, 5), 2),
        lambda: softmax_read(np.zeros(10), np.zeros((2, 10)), np.ones((2, 3)), -1.0),
        lambda: softmax_read(np.zeros(10), np.zeros((2, 10)), np.ones((3, 3)), 1.0),
        lambda: random_addresses(10, 5, seed=-1),
    ],
)
def test_memory_bad_arguments(call):
    with pytest.raises(ValueError):
        call()


# ---------------------------------------------------------------------------------------
# the experiment kind
