"""Fixed points of the modern Hopfield update against beta, and its exponential capacity."""

import numpy as np
import pytest

from hebbian.attention.capacity import random_pairs
from hebbian.attention.fixed_points import (
    SINGLE_PARTICIPATION,
    capacity_slope,
    classify_fixed_points,
    noisy_queries,
    regime_sweep,
    softmax_capacity,
)


def test_three_regimes_appear_as_beta_grows():
    # N = 128 unit patterns in d = 8: a broad metastable window between the split of the
    # global point (near beta = 7) and the single-pattern fixed points (beta >~ 30)
    sweep = regime_sweep(128, 8, [0.5, 10.0, 100.0], trials=3, noise=0.1, max_steps=300, seed=0)
    # beta = 0.5 < 1/M^2: a contraction, every query on the one global fixed point
    assert sweep.global_fraction[0] == 1.0
    assert sweep.participation[0] > 0.95 * 128
    # intermediate beta: most queries on states averaging a few patterns
    assert sweep.global_fraction[1] == 0.0 and sweep.metastable_fraction[1] > 0.5
    assert SINGLE_PARTICIPATION < sweep.participation[1] < 64
    # large beta: every query at a fixed point near its own pattern
    assert sweep.single_fraction[2] == 1.0 and sweep.retrieved_fraction[2] >= 0.99
    assert sweep.nearest_overlap[2] > 0.999
    assert np.all(np.diff(sweep.participation) < 0) and np.all(np.diff(sweep.nearest_overlap) > 0)


def test_classes_partition_the_queries():
    rng = np.random.default_rng(3)
    patterns = random_pairs(2, 16, 6, rng)[0]
    c = classify_fixed_points(patterns, noisy_queries(patterns, 0.2, rng), 8.0)
    total = c.at_global.astype(int) + c.single + c.metastable
    assert np.all(total == 1)
    assert c.participation.shape == (2, 16) and np.all(c.participation >= 1.0 - 1e-12)


def test_exponential_capacity_slope_matches_mean_field():
    from hebbian.theory.attention import softmax_mean_field_capacity

    dims = [8, 12, 16]
    measured = [softmax_capacity(d, max_error=0.05, reads=1000, seed=d).n_max for d in dims]
    theory = [softmax_mean_field_capacity(d, 0.05) for d in dims]  # 5, 26, 132
    slope, _ = capacity_slope(dims, measured)
    theory_slope, _ = capacity_slope(dims, theory)
    # ln N_max grows linearly in d with the mean-field slope (about 0.41 here); the
    # tolerance covers the sampling of the error near the criterion
    assert abs(slope - theory_slope) < 0.05
    assert 0.3 < slope < 0.5
    for m, t in zip(measured, theory):
        assert abs(np.log(m / t)) < 0.25


def test_capacity_search_and_sweep_are_seeded():
    a = softmax_capacity(10, reads=300, seed=7)
    b = softmax_capacity(10, reads=300, seed=7)
    assert a.n_max == b.n_max and a.evaluations == b.evaluations
    assert a.beta == 5.0 and a.evaluations[a.n_max] <= 0.05
    # the search stops at max_pairs when even that passes (N_max ~ 130 at d = 16)
    assert softmax_capacity(16, max_pairs=40, reads=200, seed=0).n_max == 40
    s1 = regime_sweep(12, 6, [1.0, 20.0], trials=2, seed=1)
    s2 = regime_sweep(12, 6, [1.0, 20.0], trials=2, seed=1)
    np.testing.assert_array_equal(s1.participation, s2.participation)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: regime_sweep(1, 8, [1.0]), "n_pairs must be"),
        (lambda: regime_sweep(8, 8, [-1.0]), "beta must be"),
        (lambda: regime_sweep(8, 8, []), "betas must hold"),
        (lambda: regime_sweep(8, 8, [1.0], trials=0), "trials must be"),
        (lambda: regime_sweep(8, 8, [1.0], noise=-0.1), "noise must be"),
        (lambda: softmax_capacity(1), "dim must be"),
        (lambda: softmax_capacity(8, max_error=0.0), "max_error must be"),
        (lambda: softmax_capacity(8, max_error=1.0), "max_error must be"),
        (lambda: softmax_capacity(8, reads=0), "reads must be"),
        (lambda: capacity_slope([8, 8], [3, 4]), "two distinct dims"),
        (lambda: capacity_slope([8, 9], [0, 4]), "n_max must be"),
        (
            lambda: classify_fixed_points(np.zeros((2, 3, 4)), np.zeros((2, 3, 5)), 1.0),
            "must have shapes",
        ),
        (
            lambda: classify_fixed_points(
                np.ones((1, 3, 4)), np.ones((1, 3, 4)), 1.0, same_point=0.0
            ),  # fmt: skip
            "same_point must be",
        ),
    ],
)
def test_bad_arguments_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()
