"""Monte Carlo of the set-membership test (Clarkson, Ubaru, Yang, arXiv:2301.10352)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binom

from hebbian.theory.vsa import _membership_failure
from hebbian.vsa.capacity import (
    membership_failures,
    membership_min_dimension,
    membership_threshold,
)
from hebbian.vsa.models import hypervector_model


def _exact_map_i_pair(D: int, U: int) -> float:
    """Exact failure probability of MAP-I with n = 2 (s = a_1 + a_2, threshold D/2).

    With c the number of components where a_1 and a_2 agree, c ~ Bin(D, 1/2), both
    members score D + (2c - D) = 2c; the bundle has c components of magnitude 2 and
    D - c zeros, so a non-member scores 2 (2B - c), B ~ Bin(c, 1/2), independently.
    """
    ok = 0.0
    for c in range(D + 1):
        if 2 * c <= D / 2:  # the members are missed
            continue
        # non-member correct: 2 (2B - c) <= D/2  <=>  B <= (D/2 + 2c) / 4
        p_nonmember = binom.cdf(math.floor((D / 2 + 2 * c) / 4), c, 0.5)
        ok += binom.pmf(c, D, 0.5) * p_nonmember ** (U - 2)
    return 1.0 - ok


def _exact_single(D: int, U: int) -> float:
    """n = 1 (both models): the member scores D; non-members 2 Bin(D, 1/2) - D."""
    p_ok = binom.cdf(math.floor((D / 2 + D) / 2), D, 0.5)
    return 1.0 - p_ok ** (U - 1)


@pytest.mark.parametrize("sampling", ["conditional", "atoms"])
def test_failure_rate_matches_exact_map_i_pair(sampling):
    D, U, T = 40, 30, 4000
    exact = _exact_map_i_pair(D, U)
    assert 0.2 < exact < 0.8
    rate = membership_failures(hypervector_model("map-i", D), 2, U, trials=T, seed=3,
                               sampling=sampling)  # fmt: skip
    assert rate.count == T
    assert abs(rate.rate - exact) < 4 * math.sqrt(exact * (1 - exact) / T)


@pytest.mark.parametrize("name", ["map-i", "map-b"])
def test_failure_rate_matches_exact_single_atom(name):
    D, U, T = 20, 100, 4000
    exact = _exact_single(D, U)
    assert 0.2 < exact < 0.8
    rate = membership_failures(hypervector_model(name, D), 1, U, trials=T, seed=4)
    assert abs(rate.rate - exact) < 4 * math.sqrt(exact * (1 - exact) / T)


@pytest.mark.parametrize("name", ["map-i", "map-b"])
def test_conditional_and_atom_sampling_agree_and_follow_gaussian_theory(name):
    model = hypervector_model(name, 200)
    T = 2000
    a = membership_failures(model, 8, 100, trials=T, seed=5, sampling="conditional")
    b = membership_failures(model, 8, 100, trials=T, seed=6, sampling="atoms")
    se = math.hypot(a.standard_error, b.standard_error)
    assert abs(a.rate - b.rate) < 4 * se
    # the Gaussian estimate (independent Gaussian scores) is close at this size
    gaussian = _membership_failure(name, 200.0, 8.0, 100.0)
    assert abs(a.rate - gaussian) < 0.04


def test_threshold_is_half_the_member_mean():
    assert membership_threshold("map-i", 1000, 7) == 500.0
    # MAP-B, n = 2: a tie (probability 1/2) gives a random sign, so the mean is 1/2
    assert membership_threshold("map-b", 1000, 2) == pytest.approx(250.0)
    assert membership_threshold("map-b", 1000, 5) == pytest.approx(500.0 * 6 / 16)
    rng = np.random.default_rng(0)
    model = hypervector_model("map-b", 4000)
    atoms = model.random((9,), seed=rng)
    s = model.bundle(atoms, axis=0, seed=rng)
    mean = float(np.mean(atoms.astype(float) @ s.astype(float)))
    assert mean / 2 == pytest.approx(membership_threshold("map-b", 4000, 9), rel=0.05)


@pytest.mark.parametrize("name", ["map-i", "map-b"])
def test_search_brackets_the_criterion(name):
    delta, T, rtol = 0.1, 60, 1.0 / 16.0
    found = membership_min_dimension(name, 8, 100, delta, trials=T, seed=7, rtol=rtol)
    allowed = math.floor(delta * T)
    record = {d: (f, t) for d, f, t in found.evaluations}
    f, t = record[found.dimension]
    assert t == T and f <= allowed
    f, t = record[found.failing]
    assert f > allowed
    assert 0 < found.dimension - found.failing <= max(1, math.floor(rtol * found.dimension))
    # every tested D that passed is at or above the answer, every failing one below it
    for d, f, t in found.evaluations:
        if f <= allowed:
            assert t == T and d >= found.dimension
        else:
            assert d <= found.failing
    # near the Gaussian estimate (about 300 for MAP-I, 500 for MAP-B)
    assert 200 < found.dimension < 700


def test_search_from_a_passing_start_halves_down():
    found = membership_min_dimension("map-i", 4, 50, 0.2, trials=20, seed=8, start=4096)
    assert found.evaluations[0][0] == 4096
    assert found.failing < found.dimension < 4096


def test_seeded_determinism():
    a = membership_min_dimension("map-b", 4, 30, 0.2, trials=20, seed=11)
    b = membership_min_dimension("map-b", 4, 30, 0.2, trials=20, seed=11)
    assert a == b
    model = hypervector_model("map-i", 64)
    r1 = membership_failures(model, 4, 30, trials=50, seed=np.random.default_rng(2))
    r2 = membership_failures(model, 4, 30, trials=50, seed=np.random.default_rng(2))
    assert r1 == r2


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"model": "hrr"}, "'hrr'"),
        ({"n_items": 0}, "got 0"),
        ({"universe": 3}, "got 3"),
        ({"delta": 0.0}, "got 0"),
        ({"delta": 1.5}, "got 1.5"),
        ({"trials": 5}, "got 5"),
        ({"rtol": 0.0}, "got 0"),
        ({"start": 0}, "got 0"),
        ({"sampling": "exact"}, "'exact'"),
    ],
)
def test_search_rejects_bad_arguments(kwargs, text):
    args = {"model": "map-i", "n_items": 4, "universe": 20, "delta": 0.1, "trials": 20,
            "seed": 0} | kwargs  # fmt: skip
    model, n, u, d = (args.pop(k) for k in ("model", "n_items", "universe", "delta"))
    with pytest.raises(ValueError, match=text):
        membership_min_dimension(model, n, u, d, **args)


def test_failures_reject_bad_arguments():
    with pytest.raises(ValueError, match="'bsc'"):
        membership_failures(hypervector_model("bsc", 32), 2, 10, trials=2, seed=0)
    with pytest.raises(ValueError, match="got 1"):
        membership_failures(hypervector_model("map-i", 32), 2, 1, trials=2, seed=0)
    with pytest.raises(ValueError, match="got 0"):
        membership_failures(hypervector_model("map-i", 32), 2, 10, trials=0, seed=0)
    with pytest.raises(ValueError, match="'bsc'"):
        membership_threshold("bsc", 100, 3)
    with pytest.raises(TypeError):
        membership_failures("map-i", 2, 10, trials=2, seed=0)
