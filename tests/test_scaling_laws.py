"""Scaling laws of the Zipf associative memory (Cabannes, Dohmatob, Bietti, ICLR 2024)."""

from __future__ import annotations

import numpy as np
import pytest

from hebbian.attention.scaling import (
    memory_error,
    memory_errors,
    memory_trial_errors,
    zipf_probabilities,
)
from hebbian.theory.scaling_laws import (
    frequency_dim_exponent,
    missing_mass,
    missing_mass_asymptotic,
    samples_exponent,
    top_dim_exponent,
    top_error_limit,
    unstored_guess_probabilities,
    zipf_tail_mass,
    zipf_tail_mass_asymptotic,
)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    # narrow products: OpenBLAS's threads mostly wait for each other on a small shared
    # machine, so the tests run with one (as the experiment kinds do)
    from hebbian._blas import blas_threads

    with blas_threads(1):
        yield


def _slope(x, y, err):
    from hebbian.experiments.kinds.scaling_laws import log_slope

    return log_slope(x, y, err)


def test_exponents():
    assert frequency_dim_exponent(2.0) == pytest.approx(-0.25)
    assert top_dim_exponent(2.0) == pytest.approx(-1.0)
    assert samples_exponent(2.0) == pytest.approx(-0.5)
    assert frequency_dim_exponent(3.0) == pytest.approx(-1 / 3)
    assert top_dim_exponent(1.5) == pytest.approx(-0.5)
    with pytest.raises(ValueError, match="zipf_exponent"):
        top_dim_exponent(1.0)


def test_zipf_and_tail_mass():
    p = zipf_probabilities(50, 2.0)
    assert p.sum() == pytest.approx(1.0) and np.all(np.diff(p) < 0)
    assert zipf_tail_mass(50, 2.0, 7) == pytest.approx(p[7:].sum())
    assert zipf_tail_mass(50, 2.0, 0) == pytest.approx(1.0)
    assert zipf_tail_mass(50, 2.0, 50) == 0.0
    # the infinite law: Hurwitz zeta ratio, tail ~ P^(1-alpha) / ((alpha-1) zeta(alpha))
    big = zipf_tail_mass(2_000_000, 2.0, np.array([10, 100]))
    np.testing.assert_allclose(zipf_tail_mass_asymptotic(2.0, [10, 100]), big, rtol=1e-4)
    P = 1e4
    assert zipf_tail_mass_asymptotic(2.0, P) * P * np.pi**2 / 6 == pytest.approx(1.0, rel=1e-3)


def test_unstored_guess_probabilities():
    np.testing.assert_allclose(unstored_guess_probabilities([2, 2, 2, 2, 2]), 0.2, atol=1e-9)
    pi = unstored_guess_probabilities([3, 2, 2, 2, 2])
    assert pi.sum() == pytest.approx(1.0, abs=1e-9) and pi[0] > 0.2 > pi[1]
    with pytest.raises(ValueError, match="stored_per_label"):
        unstored_guess_probabilities([0, 1])


def test_top_error_at_large_dim_is_the_no_interference_limit():
    # d >> P: stored tokens are all recalled; a left-out token is guessed right with
    # probability pi_y (1/M here, M | P); the limit is (1 - 1/M) x tail mass
    limit = top_error_limit(200, 5, 2.0, 10)
    assert limit == pytest.approx(0.8 * zipf_tail_mass(200, 2.0, 10), rel=1e-9)
    r = memory_error(2000, n_tokens=200, scheme="top", top=10, trials=100, seed=11)
    # 4 standard errors, plus 2% for the remaining crosstalk at d = 2000
    assert abs(r.mean - limit) <= 4 * r.stderr + 0.02 * limit


def test_missing_mass_exact_and_asymptotic():
    rng = np.random.default_rng(5)
    p = zipf_probabilities(300, 2.0)
    T, reps = 50, 4000
    draws = rng.choice(300, size=(reps, T), p=p)
    seen = np.zeros((reps, 300), bool)
    np.put_along_axis(seen, draws, True, axis=1)
    unseen = (~seen).astype(float) @ p
    exact = missing_mass(300, 2.0, T)
    assert abs(unseen.mean() - exact) < 4 * unseen.std() / np.sqrt(reps)
    # continuum limit, 1 << T << N^alpha: within 5% at T = 1e3, N = 1e5
    ratio = missing_mass(100_000, 2.0, 1000) / missing_mass_asymptotic(2.0, 1000, 100_000)
    assert ratio == pytest.approx(1.0, abs=0.05)


def test_dim_slopes_at_alpha_2():
    # Cabannes et al.: slopes -1/4 (q = p) and -1 (top P = d/8); fitted over d = 40..1000,
    # 60 trials (the spread of the fitted slopes over seeds is about 0.01)
    dims = np.array([40, 64, 96, 160, 256, 400, 640, 1000])
    errs = memory_trial_errors(dims, zipf_exponent=2.0, schemes=("frequency", "top"),
                               top=dims // 8, trials=60, seed=2024)  # fmt: skip
    for scheme, expected in (("frequency", -0.25), ("top", -1.0)):
        e = errs[scheme]
        slope = _slope(dims, e.mean(0), e.std(0, ddof=1) / np.sqrt(len(e)))
        assert slope == pytest.approx(expected, abs=0.05), scheme


def test_samples_slope_at_alpha_2():
    Ts = np.array([10, 30, 100, 300, 1000])
    errs = memory_trial_errors(600, zipf_exponent=2.0, schemes=("top",), top=50,
                               n_samples=Ts, trials=40, seed=7)["top"][:, 0, :]  # fmt: skip
    slope = _slope(Ts, errs.mean(0), errs.std(0, ddof=1) / np.sqrt(len(errs)))
    assert slope == pytest.approx(-0.5, abs=0.08)


def test_uniform_storage_does_not_learn_below_n_tokens():
    # q = 1 on all N = 1000 tokens: at d = 100 every token sees the crosstalk of the
    # 999 others, and the error stays near chance (1 - 1/M = 0.8 for a token guessed at
    # random) while frequency storage on the same draws is well below it
    e = memory_trial_errors(100, schemes=("uniform", "frequency"), trials=40, seed=3)
    assert e["uniform"].mean() > 0.4 and e["frequency"].mean() < 0.2


def test_shapes_and_determinism():
    a = memory_trial_errors([20, 40], schemes=("frequency", "top", "uniform"), top=[2, 5],
                            n_samples=[10, 100], trials=5, seed=1)  # fmt: skip
    b = memory_trial_errors([20, 40], schemes=("frequency", "top", "uniform"), top=[2, 5],
                            n_samples=[10, 100], trials=5, seed=1)  # fmt: skip
    for s in a:
        assert a[s].shape == (5, 2, 2)
        np.testing.assert_array_equal(a[s], b[s])
    one = memory_trial_errors(30, trials=3, seed=0)["frequency"]
    assert one.shape == (3,) and np.all((one >= 0) & (one <= 1))
    r = memory_errors(30, trials=4, top=3, seed=0)
    assert set(r) == {"frequency", "top", "uniform"} and r["top"].trials == 4


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dim": 0}, "dim"),
        ({"dim": 10, "zipf_exponent": -1.0}, "zipf_exponent"),
        ({"dim": 10, "scheme": "bogus"}, "scheme"),
        ({"dim": 10, "scheme": "top"}, "top"),
        ({"dim": 10, "n_tokens": 4, "n_labels": 5}, "n_labels"),
        ({"dim": 10, "scheme": "top", "top": 2000}, "top"),
        ({"dim": 10, "n_samples": 0}, "n_samples"),
        ({"dim": 10, "trials": 0}, "trials"),
    ],
)
def test_bad_arguments(kwargs, match):
    dim = kwargs.pop("dim")
    with pytest.raises(ValueError, match=match):
        memory_error(dim, **kwargs)


def test_bad_theory_arguments():
    with pytest.raises(ValueError, match="top"):
        top_error_limit(100, 5, 2.0, 3)  # fewer stored tokens than labels
    with pytest.raises(ValueError, match="top"):
        zipf_tail_mass(10, 2.0, 11)
    with pytest.raises(ValueError, match="n_samples"):
        missing_mass(10, 2.0, -1)
