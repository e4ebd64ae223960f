"""RS theory of the p-spin Hopfield model (hebbian.theory.dense)."""

import math

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from scipy.special import erf

from hebbian.theory.dense import (
    dense_critical_capacity,
    dense_free_energy,
    dense_retrieval_temperature,
    dense_retrieval_window,
    dense_zero_temperature_retrieval,
    krotov_hopfield_capacity,
    solve_dense,
)


def test_critical_capacity_matches_the_published_and_computed_values():
    # p = 3: alpha_c = 0.12610, m = 0.8385; p = 4: 0.03298, m = 0.919 (the T = 0 RS
    # equation of the P-spin model, Gardner 1987, in H = -(N/p!) sum m^p)
    three, four = dense_critical_capacity(3), dense_critical_capacity(4)
    assert three.alpha_c == pytest.approx(0.12610, abs=5e-6)
    assert three.m == pytest.approx(0.8385, abs=5e-5)
    assert four.alpha_c == pytest.approx(0.03298, abs=5e-6)
    # m(alpha_c) sits at a flat maximum in u; computed independently below it is
    # 0.91792 (a table that quotes 0.919 for p = 4 quotes 0.840 for p = 3 as well,
    # against 0.8385 from the same equation: its m values carry that imprecision)
    assert four.m == pytest.approx(0.91792, abs=1e-5)
    # p = 2 hands over to AGS (with its Onsager term)
    assert dense_critical_capacity(2).alpha_c == pytest.approx(0.137906, abs=1e-6)
    # the maximum of erf(u)^(2(p-1)) / (2 (p-1)! u^2), found independently
    for p in (3, 5, 8):

        def minus(u, p=p):
            return -(erf(u) ** (2 * (p - 1))) / (2 * math.factorial(p - 1) * u * u)

        best = minimize_scalar(minus, bounds=(0.1, 5), method="bounded", options={"xatol": 1e-10})
        assert dense_critical_capacity(p).alpha_c == pytest.approx(-best.fun, rel=1e-9)
        assert dense_critical_capacity(p).m == pytest.approx(erf(best.x), abs=1e-6)


def test_zero_temperature_retrieval_solves_its_equation():
    alpha = np.array([0.0, 0.01, 0.05, 0.1, 0.12, 0.126])
    z = dense_zero_temperature_retrieval(3, alpha)
    m = z.m
    assert m[0] == 1.0 and z.energy[0] == pytest.approx(-1 / 6)  # -1/p! at alpha = 0
    residual = erf(m[1:] ** 2 / np.sqrt(2 * alpha[1:] * 2)) - m[1:]
    np.testing.assert_allclose(residual, 0.0, atol=1e-12)
    assert np.all(np.diff(m) < 0) and np.all(z.exists)
    above = dense_zero_temperature_retrieval(3, [0.1262, 0.5])
    assert not np.any(above.exists) and np.all(np.isnan(above.m))


def test_finite_temperature_joins_the_zero_temperature_limit():
    # m(T) - m(0) is linear in T (1 - q ~ T lowers the crosstalk variance alpha q^2/2):
    # a tenth of T gives a tenth of the difference, and T = 1e-5 lies within 2e-5
    alpha = np.array([0.02, 0.08, 0.12])
    cold = solve_dense(3, alpha, 0.0)
    warm = solve_dense(3, alpha, 1e-5)
    np.testing.assert_allclose(warm.m, cold.m, atol=2e-5)
    np.testing.assert_allclose(warm.f, cold.f, atol=1e-6)
    gap = [float(solve_dense(3, 0.08, T).m) - float(cold.m[1]) for T in (1e-3, 1e-4)]
    assert gap[0] / gap[1] == pytest.approx(10.0, rel=0.1)
    sg_cold = solve_dense(3, alpha, 0.0, branch="spin_glass")
    sg_warm = solve_dense(3, alpha, 2e-3, branch="spin_glass")
    np.testing.assert_allclose(sg_cold.f, -np.sqrt(2 * alpha / (np.pi * 2)))
    np.testing.assert_allclose(sg_warm.f, sg_cold.f, atol=2e-3)


@pytest.mark.parametrize("p", [3, 4])
def test_solutions_are_stationary_points_of_the_free_energy(p):
    # the RS equations are the stationarity conditions of f(m, q) (central differences)
    alpha, T = (0.05, 0.15) if p == 3 else (0.01, 0.05)
    sol = solve_dense(p, alpha, T)
    assert bool(sol.converged)
    m, q, h = float(sol.m), float(sol.q), 1e-5
    df_dm = (
        dense_free_energy(p, alpha, T, m + h, q) - dense_free_energy(p, alpha, T, m - h, q)
    ) / (2 * h)
    df_dq = (
        dense_free_energy(p, alpha, T, m, q + h) - dense_free_energy(p, alpha, T, m, q - h)
    ) / (2 * h)
    assert abs(df_dm) < 1e-8 and abs(df_dq) < 1e-8
    assert float(sol.f) == pytest.approx(float(dense_free_energy(p, alpha, T, m, q)), abs=1e-14)


def test_branches_and_their_absence():
    pm = solve_dense(3, 0.1, [0.0, 0.5], branch="paramagnet")
    assert list(pm.status) == ["absent", "converged"]
    assert float(pm.f[1]) == pytest.approx(-0.1 * 2 / (2 * 6) - 0.5 * math.log(2))
    # above T_M the retrieval iteration falls to m = 0: absent
    assert solve_dense(3, 0.1, 0.3).status == "absent"
    # p = 2 is the AGS solution
    from hebbian.theory.hopfield import solve_hopfield

    ags = solve_hopfield(0.05, 0.3)
    two = solve_dense(2, 0.05, 0.3)
    assert float(two.m) == float(ags.m) and float(two.f) == float(ags.f)


def test_retrieval_temperature():
    alpha = np.array([0.0, 0.05, 0.1])
    t_m = dense_retrieval_temperature(3, alpha)
    # alpha = 0: the p-body Curie-Weiss spinodal, max_m m^(p-1) / ((p-1)! atanh m)
    best = minimize_scalar(
        lambda m: -(m**2) / (2 * np.arctanh(m)), bounds=(0.01, 0.999), method="bounded"
    )
    assert t_m[0] == pytest.approx(-best.fun, abs=1e-6)
    assert np.all(np.diff(t_m) < 0)
    below, above = solve_dense(3, alpha, t_m - 1e-4), solve_dense(3, alpha, t_m + 1e-4)
    assert np.all(below.converged) and not np.any(above.converged)
    # the existence test with a 300-step cap decides as one with 3000 steps does
    fast = dense_retrieval_temperature(3, 0.05, n_bisect=25)
    slow = dense_retrieval_temperature(3, 0.05, n_bisect=25, max_iter=3000)
    assert float(fast) == float(slow)
    # T_M continues beyond alpha_c (the re-entrant window) and ends near alpha = 0.155
    assert float(dense_retrieval_temperature(3, 0.13)) == pytest.approx(0.2125, abs=1e-4)
    assert np.isnan(dense_retrieval_temperature(3, 0.17))


def test_local_field_noise_variance_is_alpha_over_p_minus_1_factorial():
    # at sigma = xi^1 the field on site i is signal + crosstalk; the crosstalk of the
    # K = alpha N^2 other patterns (p = 3, weights 1/(p-1)!, distinct indices, the
    # engine's ordered_products) has variance alpha q^(p-1)/(p-1)! = alpha/2 at q = 1;
    # 3 samples of N = 300 (900 sites): the variance estimate has a relative standard
    # error of about 5%, so 15% is a 3-sigma threshold
    from hebbian.observables import ordered_products
    from hebbian.patterns import random_patterns

    p, N, alpha = 3, 300, 0.1
    K = int(alpha * N ** (p - 1))
    noise = []
    rng = np.random.default_rng(11)
    for _ in range(3):
        xi = random_patterns(K, N, seed=rng).astype(np.float64)
        sigma = xi[0]
        M = xi @ sigma  # (K,)
        S = M[:, None] - xi * sigma[None, :]  # overlap sums without site i
        g = ordered_products(p - 1, S, N - 1)
        h = (xi * g).sum(axis=0) / (math.factorial(p - 1) * N ** (p - 1))
        signal = ordered_products(p - 1, N - 1.0, N - 1) / (math.factorial(p - 1) * N ** (p - 1))
        noise.append(h * sigma - signal)
    variance = np.var(np.concatenate(noise))
    assert variance == pytest.approx(alpha / math.factorial(p - 1), rel=0.15)


def test_krotov_hopfield_estimate_and_bad_input():
    N = np.array([100.0, 1000.0])
    np.testing.assert_allclose(krotov_hopfield_capacity(2, N), N / (2 * np.log(N)))
    np.testing.assert_allclose(krotov_hopfield_capacity(3, N), N**2 / (2 * 3 * np.log(N)))
    for bad in (
        lambda: dense_critical_capacity(1),
        lambda: dense_critical_capacity(21),
        lambda: solve_dense(3, -0.1, 0.1),
        lambda: solve_dense(3, 0.1, float("nan")),
        lambda: solve_dense(3, 1e308, 0.0),  # beyond MAX_LOAD: no overflow, an error
        lambda: solve_dense(3, 0.1, 0.1, branch="mixture"),
        lambda: krotov_hopfield_capacity(2, 1.0),
        lambda: dense_free_energy(2, 0.1, 0.1, 0.5, 0.5),
    ):
        with pytest.raises(ValueError):
            bad()


def test_retrieval_window_is_re_entrant_above_alpha_c():
    # p = 3: above alpha_c(3) = 0.1261 the retrieval state exists only at finite T
    # (1 - q ~ T lowers the crosstalk variance alpha q^2 / 2), up to about alpha = 0.155
    low, high = dense_retrieval_window(3, np.array([0.1, 0.14, 0.17]))
    assert low[0] == 0.0 and high[0] == pytest.approx(float(dense_retrieval_temperature(3, 0.1)))
    assert 0.03 < low[1] < 0.08 and 0.18 < high[1] < 0.22
    inside = solve_dense(3, 0.14, [0.5 * (low[1] + high[1]), low[1] - 1e-4, high[1] + 1e-4])
    assert list(inside.status) == ["converged", "absent", "absent"]
    assert np.isnan(low[2]) and np.isnan(high[2])
    assert not bool(solve_dense(3, 0.14, 0.0).converged)  # and none at T = 0
