"""Checks of the AGS replica-symmetric theory of the Hopfield model.

Targets are the published values of Amit, Gutfreund and Sompolinsky (Phys. Rev. Lett.
55, 1530 (1985); Ann. Phys. 173, 30 (1987)), the RS capacity of Steffan and Kuhn
(Z. Phys. B 95, 249 (1994)) and values computed from the closed forms; independent
references are scipy.integrate.quad and closed forms. Checklist numbers (1-4) refer to
the Hopfield checks: alpha_c and m(alpha_c); T_g and T_M; T_c and the T = 0 end of the
T_c line; E_SG and E_R(alpha_c).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import erf

from hebbian.theory import (
    almeida_thouless_lhs,
    almeida_thouless_temperature,
    critical_capacity,
    freezing_temperature,
    gaussian_average,
    hopfield_free_energy,
    kink_rule,
    phase_lines,
    retrieval_spinodal_temperature,
    retrieval_transition_temperature,
    retrieval_transition_window,
    solve_hopfield,
    spin_glass_energy_zero_temperature,
    uniform_rule,
    zero_temperature_retrieval,
    zero_temperature_transition_load,
)


def quad_average(fn, mean, std, temperature):
    """Independent reference for <fn(mean + std z)>: adaptive quad split around the kink."""
    z0 = -mean / std
    scale = temperature / std
    cuts = [z0 + k * scale for k in (-300, -100, -30, -10, -3, -1, 0, 1, 3, 10, 30, 100, 300)]
    points = sorted({-13.0, 13.0, *[c for c in cuts if abs(c) < 13.0]})

    def integrand(z):
        return fn(mean + std * z) * np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sum(
            quad(integrand, lo, hi, epsabs=1e-16, epsrel=1e-14, limit=400)[0]
            for lo, hi in zip(points[:-1], points[1:])
        )


def log2cosh(x):
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax))


# --------------------------------------------------------------------------- quadrature


@pytest.mark.parametrize("temperature", [1e-5, 1e-3, 0.02, 0.13, 0.7])
@pytest.mark.parametrize(("mean", "std"), [(0.0, 1.0), (0.97, 0.45), (0.3, 0.05), (2.0, 3.0)])
def test_kink_rule_matches_quad(temperature, mean, std):
    fns = {
        "tanh": lambda h: np.tanh(h / temperature),
        "tanh2": lambda h: np.tanh(h / temperature) ** 2,
        "lncosh": lambda h: temperature * log2cosh(h / temperature),
    }
    for fn in fns.values():
        got = gaussian_average(fn, mean=mean, std=std, temperature=temperature)
        assert got == pytest.approx(quad_average(fn, mean, std, temperature), abs=2e-14)


def test_kink_rule_step_limit_and_normalisation():
    # T -> 0: <tanh(h/T)> -> erf(m / (s sqrt 2)) (corrections O((T/s)^2) ~ 1e-20 here)
    got = gaussian_average(lambda h: np.tanh(h / 1e-10), mean=0.5, std=0.3, temperature=1e-10)
    assert got == pytest.approx(erf(0.5 / 0.3 / np.sqrt(2.0)), abs=1e-14)
    rule = kink_rule(np.array([-20.0, 0.0, 3.0]), scale=np.array([1e-8, 1e-2, np.inf]))
    np.testing.assert_allclose(rule.weights.sum(axis=-1), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(rule.average(rule.nodes**2), 1.0, rtol=0, atol=1e-14)
    np.testing.assert_allclose(rule.average(rule.nodes**4), 3.0, rtol=0, atol=1e-13)
    ref = uniform_rule(n_nodes=4001, half_width=10.0)
    assert ref.average(np.cos(ref.nodes)) == pytest.approx(np.exp(-0.5), abs=1e-14)


def test_gaussian_average_validates():
    with pytest.raises(ValueError, match="std"):
        gaussian_average(np.tanh, std=-1.0)
    with pytest.raises(ValueError, match="temperature"):
        gaussian_average(np.tanh, temperature=0.0)
    with pytest.raises(ValueError, match="scale"):
        kink_rule(0.0, scale=-1.0)


# --------------------------------------------------------------------------- T = 0


def test_critical_capacity_checklist_1():
    cc = critical_capacity()
    assert float(cc.alpha) == pytest.approx(0.13791, abs=1e-5)
    assert float(cc.alpha) == pytest.approx(0.137905, abs=1e-6)  # Steffan-Kuhn RS value
    assert float(cc.m) == pytest.approx(0.9674, abs=5e-4)
    assert float(cc.y) == pytest.approx(1.51122, abs=1e-5)
    assert float(cc.C) == pytest.approx(0.17962, abs=1e-5)
    assert float(cc.r) == pytest.approx(1.4858, abs=1e-4)
    assert float(cc.energy) == pytest.approx(-0.5014, abs=1e-4)  # checklist 4


def test_zero_temperature_retrieval_values():
    zt = zero_temperature_retrieval(np.array([0.0, 0.05, 0.10, 0.2]))
    np.testing.assert_allclose(zt.m[:3], [1.0, 0.99999, 0.99800], atol=1e-5)
    assert zt.exists.tolist() == [True, True, True, False]
    assert np.isnan(zt.m[3]) and np.isnan(zt.energy[3])
    # the y equation and the definitions of m, C, r hold
    a, y, m, c, r = 0.10, zt.y[2], zt.m[2], zt.C[2], zt.r[2]
    assert y * (np.sqrt(2 * a) + 2 / np.sqrt(np.pi) * np.exp(-(y**2))) == pytest.approx(erf(y))
    assert c == pytest.approx(np.sqrt(2 / (np.pi * a * r)) * np.exp(-(y**2)), rel=1e-12)
    assert m / np.sqrt(2 * a * r) == pytest.approx(y, rel=1e-12)
    assert r == pytest.approx(1 / (1 - c) ** 2, rel=1e-14)


def test_zero_temperature_transition_load_checklist_3():
    a0 = zero_temperature_transition_load()
    assert a0 == pytest.approx(0.0519, abs=5e-4)
    e_r = zero_temperature_retrieval(a0).energy
    assert float(e_r) == pytest.approx(float(spin_glass_energy_zero_temperature(a0)), abs=1e-12)
    for a, sign in ((a0 - 1e-3, -1), (a0 + 1e-3, 1)):
        gap = zero_temperature_retrieval(a).energy - spin_glass_energy_zero_temperature(a)
        assert np.sign(gap) == sign


def test_spin_glass_energy_closed_form_checklist_4():
    a = np.array([0.01, 0.05, 0.1379055])
    np.testing.assert_allclose(
        spin_glass_energy_zero_temperature(a), -1 / np.pi - np.sqrt(2 * a / np.pi), rtol=1e-15
    )
    assert float(spin_glass_energy_zero_temperature(0.1379055)) == pytest.approx(-0.61461, 1e-5)
    # the RS solver at T = 0 reproduces it, and so does the finite-T free energy as T -> 0
    sg0 = solve_hopfield(a, 0.0, branch="spin_glass")
    np.testing.assert_allclose(sg0.f, spin_glass_energy_zero_temperature(a), rtol=1e-14)
    sg = solve_hopfield(a[:, None], np.array([1e-4, 0.005, 0.01]), branch="spin_glass")
    assert np.all(sg.converged)
    e_sg = spin_glass_energy_zero_temperature(a)[:, None]
    # f = E_SG - T S_0 + O(T^2): RS spin-glass entropy S_0 < 0 (about -0.03 to -0.07)
    assert np.all(np.abs(sg.f[:, 1] - e_sg[:, 0]) < 4e-4)
    assert np.all(np.abs(sg.f[:, 0] - e_sg[:, 0]) < 1e-5)
    extrapolated = 2 * sg.f[:, 1] - sg.f[:, 2]  # linear extrapolation to T = 0
    np.testing.assert_allclose(extrapolated, e_sg[:, 0], atol=3e-5)


def test_retrieval_zero_temperature_limit_of_finite_t():
    a = np.array([0.02, 0.05, 0.1, 0.13])
    zt = zero_temperature_retrieval(a)
    for t, tol in ((1e-4, 3e-6), (1e-3, 3e-5)):
        sol = solve_hopfield(a, t)
        assert np.all(sol.converged)
        np.testing.assert_allclose(sol.m, zt.m, atol=tol)
        np.testing.assert_allclose(sol.f, zt.energy, atol=tol)
        np.testing.assert_allclose(sol.r, zt.r, rtol=50 * tol)
        np.testing.assert_allclose((1 - sol.q) / t, zt.C, rtol=50 * tol, atol=1e-8)


# --------------------------------------------------------------------------- RS solver


def test_solution_satisfies_rs_equations_independently():
    alpha = np.array([0.0, 0.02, 0.05, 0.1, 0.13, 0.05])
    temperature = np.array([0.5, 0.3, 0.5, 0.05, 0.01, 1e-3])
    sol = solve_hopfield(alpha, temperature)
    assert np.all(sol.converged)
    assert np.all(sol.residual < 1e-12)
    for a, t, m, q, r in zip(alpha, temperature, sol.m, sol.q, sol.r):
        s = np.sqrt(a * r)
        if s == 0:
            m_ref, q_ref = np.tanh(m / t), np.tanh(m / t) ** 2
        else:
            m_ref = quad_average(lambda h, t=t: np.tanh(h / t), m, s, t)
            q_ref = quad_average(lambda h, t=t: np.tanh(h / t) ** 2, m, s, t)
        assert abs(m - m_ref) < 1e-10
        assert abs(q - q_ref) < 1e-10
        assert abs(r - q / (1 - (1 - q) / t) ** 2) < 1e-10 * max(r, 1.0)


def test_spin_glass_satisfies_rs_equations_independently():
    alpha = np.array([0.05, 0.1, 0.5])
    temperature = np.array([0.2, 0.9, 1.5])
    sol = solve_hopfield(alpha, temperature, branch="spin_glass")
    assert np.all(sol.converged)
    np.testing.assert_array_equal(sol.m, 0.0)
    for a, t, q, r in zip(alpha, temperature, sol.q, sol.r):
        q_ref = quad_average(lambda h, t=t: np.tanh(h / t) ** 2, 0.0, np.sqrt(a * r), t)
        assert abs(q - q_ref) < 1e-10
        assert abs(r - q / (1 - (1 - q) / t) ** 2) < 1e-10 * max(r, 1.0)


@pytest.mark.parametrize(
    ("alpha", "temperature", "branch"),
    [(0.05, 0.3, "retrieval"), (0.12, 0.1, "retrieval"), (0.1, 0.6, "spin_glass")],
)
def test_free_energy_is_stationary(alpha, temperature, branch):
    sol = solve_hopfield(alpha, temperature, branch=branch)
    x0 = np.array([sol.m, sol.q, sol.r], dtype=float)
    f0 = hopfield_free_energy(alpha, temperature, *x0)
    assert float(f0) == pytest.approx(float(sol.f), abs=1e-13)
    h = 1e-5

    def slope(k, x):
        dx = np.zeros(3)
        dx[k] = h
        plus = hopfield_free_energy(alpha, temperature, *(x + dx))
        minus = hopfield_free_energy(alpha, temperature, *(x - dx))
        return float(plus - minus) / (2 * h)

    for k in range(3):
        assert abs(slope(k, x0)) < 1e-8, k
    # away from the solution f is not stationary (the test can fail)
    assert abs(slope(1, x0 + np.array([0.0, 0.01, 0.0]))) > 1e-4
    assert abs(slope(2, x0 + np.array([0.0, 0.01, 0.0]))) > 1e-4


def test_curie_weiss_limit_from_rs_solver():
    sol = solve_hopfield(0.0, np.array([0.3, 0.5, 0.7, 0.9]))
    np.testing.assert_allclose(sol.m, [0.99741, 0.9575, 0.82863, 0.52543], atol=1e-5)
    np.testing.assert_allclose(sol.m, np.tanh(sol.m / np.array([0.3, 0.5, 0.7, 0.9])), atol=1e-13)
    assert not bool(solve_hopfield(0.0, 1.2).converged)


def test_grid_shapes_and_nonexistence_reporting():
    alpha = np.linspace(0.0, 0.2, 6)[:, None]
    temperature = np.linspace(0.0, 1.2, 5)[None, :]
    sol = solve_hopfield(alpha, temperature)
    assert sol.m.shape == sol.converged.shape == sol.status.shape == (6, 5)
    # every point is either a retrieval solution with m > 0 or reported as not one
    assert np.all(sol.m[sol.converged] > 0)
    assert np.all(np.isnan(sol.m[~sol.converged]))
    assert set(np.unique(sol.status)) <= {"converged", "absent", "not_converged", "invalid"}
    # above the spinodal the iteration collapses and says so
    above = solve_hopfield(0.05, 0.56)
    assert not bool(above.converged) and str(above.status) == "absent"
    assert np.isnan(above.m) and np.isnan(above.f)
    # alpha > alpha_c at T = 0: no retrieval
    assert not bool(solve_hopfield(0.15, 0.0).converged)
    # spin glass absent above T_g, paramagnet needs T > 1 at alpha > 0
    assert not bool(solve_hopfield(0.05, 1.25, branch="spin_glass").converged)
    assert bool(solve_hopfield(0.05, 1.22, branch="spin_glass").converged)
    para = solve_hopfield(0.05, np.array([0.8, 1.5]), branch="paramagnet")
    assert para.converged.tolist() == [False, True]
    assert float(para.f[1]) == pytest.approx(
        0.025 + 0.75 * 0.05 * np.log(1 - 1 / 1.5) - 1.5 * np.log(2), abs=1e-15
    )


def test_warm_start_gives_same_solution():
    cold = solve_hopfield(0.1, 0.2)
    near = solve_hopfield(0.1, 0.19)
    warm = solve_hopfield(0.1, 0.2, m0=near.m, q0=near.q)
    assert float(warm.m) == pytest.approx(float(cold.m), abs=1e-12)
    assert int(warm.n_iter) < int(cold.n_iter)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": -0.1, "temperature": 0.5}, "alpha"),
        ({"alpha": 0.1, "temperature": -0.5}, "temperature"),
        ({"alpha": np.nan, "temperature": 0.5}, "alpha"),
        ({"alpha": 0.1, "temperature": 0.5, "branch": "mixture"}, "branch"),
        ({"alpha": 0.1, "temperature": 0.5, "damping": 0.0}, "damping"),
        ({"alpha": 0.1, "temperature": 0.5, "max_iter": 0}, "max_iter"),
        ({"alpha": 0.1, "temperature": 0.5, "max_iter": 10.5}, "max_iter"),
        ({"alpha": 0.1, "temperature": 0.5, "tol": 0.0}, "tol"),
    ],
)
def test_solve_hopfield_validates(kwargs, match):
    with pytest.raises(ValueError, match=match):
        solve_hopfield(**kwargs)


def test_lines_validate():
    for fn in (
        freezing_temperature,
        retrieval_spinodal_temperature,
        retrieval_transition_temperature,
        almeida_thouless_temperature,
        zero_temperature_retrieval,
    ):
        with pytest.raises(ValueError, match="alpha"):
            fn(-0.01)


ALPHA_RANGE = r"alpha must be finite and in \[0, inf\), got "

#: Every public function of the Hopfield theory, called with a given load.
ALPHA_CALLS = {
    "solve_hopfield": lambda a: solve_hopfield(a, 0.3),
    "solve_hopfield_spin_glass": lambda a: solve_hopfield(a, 0.3, branch="spin_glass"),
    "solve_hopfield_paramagnet": lambda a: solve_hopfield(a, 1.3, branch="paramagnet"),
    "hopfield_free_energy": lambda a: hopfield_free_energy(a, 0.3, 0.9, 0.9, 1.0),
    "almeida_thouless_lhs": lambda a: almeida_thouless_lhs(a, 0.3, 0.9, 0.9),
    "zero_temperature_retrieval": zero_temperature_retrieval,
    "spin_glass_energy_zero_temperature": spin_glass_energy_zero_temperature,
    "freezing_temperature": freezing_temperature,
    "retrieval_spinodal_temperature": retrieval_spinodal_temperature,
    "retrieval_transition_temperature": retrieval_transition_temperature,
    "retrieval_transition_window": retrieval_transition_window,
    "almeida_thouless_temperature": almeida_thouless_temperature,
    "phase_lines": phase_lines,
}


@pytest.mark.parametrize("name", sorted(ALPHA_CALLS))
@pytest.mark.parametrize(
    ("value", "shown"),
    [(np.inf, "inf"), (-np.inf, "-inf"), (np.nan, "nan"), ([0.02, np.nan], "nan"), (-0.5, "-0.5")],
)
def test_non_finite_or_negative_load_is_refused(name, value, shown):
    with pytest.raises(ValueError, match=r"alphas? must be finite and in \[0, inf\), got ") as exc:
        ALPHA_CALLS[name](value)
    message = str(exc.value)
    assert "\n" not in message and message.endswith(f"got {shown}")


#: Every public function of the Hopfield theory that takes a temperature, and the range.
TEMPERATURE_CALLS = {
    "solve_hopfield": (lambda t: solve_hopfield(0.05, t), "[0, inf)"),
    "solve_hopfield_spin_glass": (
        lambda t: solve_hopfield(0.05, t, branch="spin_glass"),
        "[0, inf)",
    ),
    "hopfield_free_energy": (lambda t: hopfield_free_energy(0.05, t, 0.9, 0.9, 1.0), "(0, inf)"),
    "almeida_thouless_lhs": (lambda t: almeida_thouless_lhs(0.05, t, 0.9, 0.9), "(0, inf)"),
    "gaussian_average": (lambda t: gaussian_average(np.tanh, temperature=t), "(0, inf)"),
}


@pytest.mark.parametrize("name", sorted(TEMPERATURE_CALLS))
@pytest.mark.parametrize(
    ("value", "shown"), [(np.inf, "inf"), (np.nan, "nan"), (np.array([0.3, np.inf]), "inf")]
)
def test_non_finite_temperature_is_refused(name, value, shown):
    call, allowed = TEMPERATURE_CALLS[name]
    with pytest.raises(ValueError) as exc:
        call(value)
    assert str(exc.value) == f"temperature must be finite and in {allowed}, got {shown}"


def test_other_non_finite_inputs_are_refused():
    with pytest.raises(ValueError, match="r must be finite"):
        hopfield_free_energy(0.05, 0.3, 0.9, 0.9, np.inf)
    with pytest.raises(ValueError, match=r"mean must be finite and in \(-inf, inf\), got nan"):
        gaussian_average(np.tanh, mean=np.nan)
    with pytest.raises(ValueError, match="std must be finite"):
        gaussian_average(np.tanh, std=np.inf)
    # order parameters of a point that did not converge (nan) give nan, next to finite ones
    lam = almeida_thouless_lhs(
        0.05, 0.3, np.array([np.nan, 0.9, 0.9]), np.array([0.9, np.nan, 0.9])
    )
    assert np.isnan(lam[:2]).all() and np.isfinite(lam[2])
    f = hopfield_free_energy(0.05, 0.3, np.array([np.nan, 0.9, np.inf]), 0.9, 1.0)
    assert np.isnan(f[0]) and np.isfinite(f[1]) and np.isnan(f[2])


# --------------------------------------------------------------------------- phase lines


def test_freezing_temperature_exact_checklist_2():
    a = np.array([0.0, 0.02, 0.05, 0.3])
    np.testing.assert_array_equal(freezing_temperature(a), 1.0 + np.sqrt(a))
    # spin glass order sets in at T_g: q > 0 just below, absent just above
    tg = 1 + np.sqrt(0.3)
    assert bool(solve_hopfield(0.3, tg * (1 - 1e-3), branch="spin_glass").converged)
    assert not bool(solve_hopfield(0.3, tg * (1 + 1e-3), branch="spin_glass").converged)


def test_spinodal_checklist_2():
    t_m = retrieval_spinodal_temperature(np.array([0.0, 0.001, 0.02, 0.05]))
    assert t_m[0] == 1.0
    assert t_m[1] == pytest.approx(0.9378, abs=1e-4)
    assert t_m[2] == pytest.approx(0.7165, abs=1e-4)
    assert t_m[3] == pytest.approx(0.542, abs=0.002)
    # it is the existence boundary of the retrieval branch
    sol = solve_hopfield(0.05, np.array([t_m[3] - 1e-5, t_m[3] + 1e-4]))
    assert sol.converged.tolist() == [True, False]
    assert float(sol.m[0]) > 0.7  # first-order: m jumps at the spinodal


def test_spinodal_reentrant_sliver():
    t_m = retrieval_spinodal_temperature(np.array([0.1379, 0.1381, 0.139]))
    # alpha_M(T) peaks at ~0.13818 near T ~ 0.02: retrieval exists above alpha_c at T > 0
    assert np.all(np.isfinite(t_m[:2])) and np.isnan(t_m[2])
    assert bool(solve_hopfield(0.1381, 0.02).converged)
    assert not bool(solve_hopfield(0.1381, 0.0).converged)


def test_transition_temperature_checklist_3():
    t_c = retrieval_transition_temperature(np.array([0.0, 0.02, 0.05]))
    assert t_c[0] == 1.0
    assert t_c[1] == pytest.approx(0.591, abs=0.003)
    assert t_c[2] == pytest.approx(0.2164, abs=5e-4)
    # f_R = f_SG there, with retrieval globally stable just below
    r = solve_hopfield(0.02, np.array([t_c[1] - 1e-3, t_c[1], t_c[1] + 1e-3]))
    g = solve_hopfield(0.02, np.array([t_c[1] - 1e-3, t_c[1], t_c[1] + 1e-3]), branch="spin_glass")
    gap = r.f - g.f
    assert gap[0] < 0 < gap[2] and abs(gap[1]) < 1e-10


def test_no_spurious_transition_at_larger_load():
    # a 161-node Gauss-Hermite rule fakes a T_c crossing near T = 0.13 for alpha >= 0.06
    t_c = retrieval_transition_temperature(np.array([0.06, 0.08, 0.1]))
    assert np.all(np.isnan(t_c))
    r = solve_hopfield(0.06, np.array([0.1, 0.13, 0.16]))
    g = solve_hopfield(0.06, np.array([0.1, 0.13, 0.16]), branch="spin_glass")
    assert np.all(r.f - g.f > 0.01)


def test_transition_line_is_reentrant():
    window = retrieval_transition_window(np.array([0.02, 0.052, 0.053, 0.0535]))
    assert window.shape == (4, 2)
    assert window[0, 0] == 0.0  # stable down to T = 0 below alpha = 0.0519
    low, up = window[1]
    assert 0 < low < 0.02 and 0.15 < up < 0.18
    low, up = window[2]
    assert 0.04 < low < up < 0.13  # narrow window around T ~ 0.08-0.10
    assert np.all(np.isnan(window[3]))
    # crossings are real: f_R - f_SG changes sign at both ends
    t = np.array([window[2, 0] - 1e-3, 0.5 * (window[2, 0] + window[2, 1]), window[2, 1] + 1e-3])
    gap = solve_hopfield(0.053, t).f - solve_hopfield(0.053, t, branch="spin_glass").f
    assert gap[0] > 0 > gap[1] and gap[2] > 0


def test_almeida_thouless():
    a = np.array([0.0, 0.001, 0.02, 0.05, 0.1, 0.13, 0.2])
    t_at = almeida_thouless_temperature(a)
    assert t_at[0] == 0.0
    assert 0 < t_at[1] < 1e-200  # exponentially small, ~ exp(-1/(2 alpha))
    assert 0 < t_at[2] < 1e-10 and 1e-6 < t_at[3] < 1e-5  # exponentially small
    assert 1e-3 < t_at[4] < t_at[5] < 0.03
    assert np.isnan(t_at[6])
    # lambda_AT = 1 on the line (finite-T refinement and asymptote)
    for alpha, t in ((0.05, t_at[3]), (0.1, t_at[4]), (0.13, t_at[5])):
        sol = solve_hopfield(alpha, t)
        lam = almeida_thouless_lhs(alpha, t, sol.m, sol.q)
        assert float(lam) == pytest.approx(1.0, abs=1e-6)
        # RS is stable above the line and unstable below it
        for factor, above in ((2.0, True), (0.5, False)):
            sol2 = solve_hopfield(alpha, factor * t)
            lam2 = float(almeida_thouless_lhs(alpha, factor * t, sol2.m, sol2.q))
            assert (lam2 < 1) == above


def test_almeida_thouless_reduces_to_freezing_line():
    a = np.array([0.01, 0.05, 0.3])
    tg = freezing_temperature(a)
    np.testing.assert_allclose(almeida_thouless_lhs(a, tg, 0.0, 0.0), 1.0, rtol=1e-13)
    assert np.all(almeida_thouless_lhs(a, 1.05 * tg, 0.0, 0.0) < 1)
    assert np.all(almeida_thouless_lhs(a, 0.95 * tg, 0.0, 0.0) > 1)


def test_phase_lines_bundle():
    alphas = np.array([0.0, 0.02, 0.05, 0.053, 0.1, 0.2])
    lines = phase_lines(alphas)
    np.testing.assert_array_equal(lines.freezing, 1 + np.sqrt(alphas))
    np.testing.assert_allclose(lines.retrieval_spinodal[:3], [1.0, 0.7165, 0.5423], atol=1e-4)
    np.testing.assert_allclose(lines.retrieval_transition[:3], [1.0, 0.5913, 0.2164], atol=1e-4)
    assert np.isnan(lines.retrieval_spinodal[5]) and np.isnan(lines.retrieval_transition[4])
    assert lines.retrieval_transition_low[3] > 0
    # ordering of the lines where all exist: T_AT < T_c < T_M < T_g
    ok = slice(1, 3)
    assert np.all(lines.almeida_thouless[ok] < lines.retrieval_transition[ok])
    assert np.all(lines.retrieval_transition[ok] < lines.retrieval_spinodal[ok])
    assert np.all(lines.retrieval_spinodal[ok] < lines.freezing[ok])
