"""RS theory of dense networks learning from examples (hebbian.theory.dense_learning)."""

import numpy as np
import pytest
from scipy.special import erf
from scipy.stats import binom

from hebbian.theory.dense import solve_dense
from hebbian.theory.dense_learning import (
    archetype_estimate_overlap,
    dataset_entropy,
    dense_learning_capacity,
    example_quality,
    examples_needed,
    solve_dense_learning,
)

RHO = np.array([0.1, 0.2, 0.37, 0.5, 1.0, 2.0])


@pytest.mark.parametrize("p", [2, 3, 4])
def test_low_load_zero_temperature_law_for_every_p(p):
    # m = erf(1 / sqrt(2 rho)) at T = 0 and alpha = 0, whatever p: 0.99843, 0.97465,
    # 0.8998, 0.8427, 0.6827, 0.5205 at rho = 0.1, 0.2, 0.37, 0.5, 1, 2
    sol = solve_dense_learning(p, RHO, 0.0)
    np.testing.assert_allclose(sol.m, erf(1 / np.sqrt(2 * RHO)), atol=1e-12)
    np.testing.assert_allclose(
        sol.m, [0.99843, 0.97465, 0.8998, 0.8427, 0.6827, 0.5205], atol=6e-5
    )
    # n in closed form: [m + sqrt(2 rho / pi) e^{-1/(2 rho)}] / (1 + rho)
    n = (sol.m + np.sqrt(2 * RHO / np.pi) * np.exp(-1 / (2 * RHO))) / (1 + RHO)
    np.testing.assert_allclose(sol.n, n, atol=1e-12)
    # and the finite-T solution joins it
    warm = solve_dense_learning(p, RHO, 1e-3)
    np.testing.assert_allclose(warm.m, sol.m, atol=2e-3)


@pytest.mark.parametrize("p", [2, 3])
def test_rho_zero_is_pure_storage(p):
    alpha = np.array([0.0, 0.05, 0.05])
    T = np.array([0.2, 0.0, 0.2])
    learned = solve_dense_learning(p, 0.0, T, alpha=alpha)
    stored = solve_dense(p, alpha, T)
    np.testing.assert_allclose(learned.m, stored.m, atol=1e-9)
    np.testing.assert_allclose(learned.n, stored.m, atol=1e-9)


def test_p2_critical_temperature_is_one_for_every_rho():
    for rho in (0.0, 0.5, 2.0):
        below = solve_dense_learning(2, rho, 0.995)
        above = solve_dense_learning(2, rho, 1.005)
        assert bool(below.converged) and float(below.n) > 0.01
        assert above.status == "absent"


def test_binomial_mode_is_exact_for_finite_m():
    # T = 0, alpha = 0: m = P(example mean agrees with the archetype) - P(disagrees),
    # k ~ Binomial(M, (1 + r)/2), ties (k = M/2) give zero field and contribute 0
    for M in (5, 10, 51):
        r = float(example_quality(0.5, M))
        k = np.arange(M + 1)
        w = binom.pmf(k, M, (1 + r) / 2)
        exact = np.sum(w * np.sign(2 * k - M))
        sol = solve_dense_learning(3, 0.5, 0.0, n_examples=M)
        assert float(sol.m) == pytest.approx(exact, abs=1e-12)
    # M = 51 against the Gaussian form: 0.8407 vs erf(1) = 0.8427
    assert float(solve_dense_learning(2, 0.5, 0.0, n_examples=51).m) == pytest.approx(
        0.8407, abs=1e-4
    )
    # and it approaches the Gaussian form as M grows
    gauss = float(solve_dense_learning(2, 0.5, 0.1).m)
    gaps = [
        abs(float(solve_dense_learning(2, 0.5, 0.1, n_examples=M).m) - gauss) for M in (11, 101)
    ]
    assert gaps[1] < gaps[0] / 3


def test_unsupervised_equals_supervised_at_low_load_and_is_refused_at_high_load():
    sup = solve_dense_learning(3, RHO, 0.1, learning="supervised", n_examples=21)
    unsup = solve_dense_learning(3, RHO, 0.1, learning="unsupervised", n_examples=21)
    np.testing.assert_array_equal(sup.m, unsup.m)
    with pytest.raises(ValueError, match="unsupervised"):
        solve_dense_learning(3, 0.1, 0.1, alpha=0.01, learning="unsupervised")


def test_high_load_critical_lines():
    # T = 0 supervised critical loads at rho = 0 and 0.05: p = 2: 0.13791 and 0.0991,
    # p = 3: 0.12610 and 0.1105, p = 4: 0.03298 and 0.02624 (the equations of the
    # supervised dense papers, solved; rho = 0 is the storage capacity)
    want = {2: (0.13791, 0.0991), 3: (0.12610, 0.1105), 4: (0.03298, 0.02624)}
    for p, (a0, a5) in want.items():
        line = dense_learning_capacity(p, [0.0, 0.05], n_bisect=30)
        assert line[0] == pytest.approx(a0, abs=2e-5)
        assert line[1] == pytest.approx(a5, abs=1e-4)
    # the overlap just below alpha_c(0.05): 0.950 (p = 2), 0.792 (p = 3)
    for p, m_c in ((2, 0.950), (3, 0.792)):
        a_c = float(dense_learning_capacity(p, 0.05, n_bisect=30))
        assert float(solve_dense_learning(p, 0.05, 0.0, alpha=a_c * (1 - 1e-6)).m) == (
            pytest.approx(m_c, abs=2e-3)
        )


def test_dataset_size_and_bad_input():
    # m* = 0.9: rho* = 0.3696, M >= 268 (r = 0.1), 65 (r = 0.2), 8.1 (r = 0.5)
    np.testing.assert_allclose(
        examples_needed([0.1, 0.2, 0.5], 0.9), [267.8, 64.93, 8.117], atol=0.1
    )
    assert float(dataset_entropy(example_quality(0.37, 40), 40)) == pytest.approx(0.37)
    for bad in (
        lambda: solve_dense_learning(1, 0.1, 0.1),
        lambda: solve_dense_learning(3, -0.1, 0.1),
        lambda: solve_dense_learning(3, 0.1, float("inf")),
        lambda: solve_dense_learning(3, 0.1, 0.1, learning="teacher"),
        lambda: solve_dense_learning(3, 0.1, 0.1, n_examples=0),
        lambda: solve_dense_learning(3, 0.1, 0.1, n_examples=10**11),  # no 745 GiB array
        lambda: solve_dense_learning(3, 1e308, 0.1),
        lambda: solve_dense_learning(3, 0.1, 0.0, alpha=1e308),
        lambda: examples_needed(0.0, 0.9),
        lambda: examples_needed(0.5, 1.0),
    ):
        with pytest.raises(ValueError):
            bad()


def test_archetype_estimate_overlap_is_the_finite_m_theory_and_the_sampled_vote():
    # one quality for all entries: the low-load T = 0 overlap of the exact finite-M mode
    for M in (1, 4, 7, 51):
        r = float(example_quality(0.5, M))
        sol = solve_dense_learning(2, 0.5, 0.0, n_examples=M)
        assert float(archetype_estimate_overlap((1 + r) / 2, M)) == pytest.approx(
            float(sol.m), abs=1e-12
        )
    # limits: M = 1 gives 2a - 1; a = 1/2 gives 0; a = 0 and 1 give -1 and +1
    a = np.array([0.0, 0.3, 0.5, 0.9, 1.0])
    np.testing.assert_allclose(archetype_estimate_overlap(a, 1), 2 * a - 1, atol=1e-15)
    np.testing.assert_allclose(archetype_estimate_overlap(a, 6)[[0, 2, 4]], [-1, 0, 1], atol=1e-15)
    # entry by entry against votes of sampled examples: 20000 votes of M = 6 per entry,
    # standard error below 0.007, so 0.03 is more than four of them
    rng = np.random.default_rng(3)
    agreement = np.array([0.55, 0.7, 0.9])
    agree = rng.random((20_000, 6, 3)) < agreement
    votes = np.sign(np.where(agree, 1, -1).sum(axis=1))
    np.testing.assert_allclose(
        votes.mean(axis=0), archetype_estimate_overlap(agreement, 6), atol=0.03
    )


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((1.5, 3), "agreement"),
        ((np.nan, 3), "agreement"),
        ((0.5, 0), "n_examples"),
        ((0.5, 100_001), "n_examples must be <= 100000"),
    ],
)
def test_archetype_estimate_overlap_refuses_bad_values(args, match):
    with pytest.raises(ValueError, match=match):
        archetype_estimate_overlap(*args)
