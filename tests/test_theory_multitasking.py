"""Checks of the low-load theory of the multitasking network (diluted patterns).

Agliari, Barra, Galluzzi, Guerra, Moauro, Phys. Rev. Lett. 109, 268101 (2012); Agliari,
Barra, Galluzzi, Isopi, arXiv:1304.4488; Agliari, Alessandrelli, Barra, Ricci-Tersenghi,
J. Stat. Mech. (2023) 113401. Closed forms derived in docs/theory/multitasking.md, the
d = 0 limit against the AGS mixtures, and brute-force sums written out here. Each check
states its tolerance.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hebbian.theory import (
    cascade_overlaps,
    classify_overlaps,
    critical_temperature,
    hierarchical_energy_zero_temperature,
    hierarchical_is_fixed_point,
    hierarchical_state,
    hierarchical_threshold_dilution,
    mixture_free_energy,
    mixture_hessian_eigenvalues,
    mixture_overlap,
    mixture_stability_temperature,
    multitasking_free_energy,
    multitasking_hessian,
    multitasking_hessian_eigenvalues,
    multitasking_map,
    multitasking_phase_diagram,
    multitasking_states,
    overlap_hessian,
    parallel_onset_temperature,
    parallel_stability_intervals,
    parallel_state,
    parallel_threshold_dilution,
    pure_state,
    solve_multitasking,
    solve_multitasking_learning,
    symmetric_mixture_energy_zero_temperature,
    symmetric_mixture_state,
)
from hebbian.theory.multitasking import _configurations, _learning_fn, _weights

GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def all_configurations(k, d):
    """All 3^K configurations and their weights, written out without the +-xi folding."""
    xi = np.array(list(itertools.product((-1, 0, 1), repeat=k)), dtype=float)
    w = np.prod(np.where(xi == 0, d, (1.0 - d) / 2.0), axis=1)
    return xi, w


def brute_force(m, d, t):
    """G(m), f(m) and the Hessian by the plain 3^K sum (T > 0, unnormalized)."""
    xi, w = all_configurations(len(m), d)
    u = xi @ np.asarray(m, dtype=float) / t
    g = (w * np.tanh(u)) @ xi
    f = 0.5 * np.dot(m, m) - t * np.sum(w * np.logaddexp(u, -u))
    a = np.eye(len(m)) - np.einsum("c,ci,cj->ij", w / np.cosh(u) ** 2 / t, xi, xi)
    return g, f, a


# ---------------------------------------------------------------------------------------
# the mean-field functions against brute force


@pytest.mark.parametrize(("m", "d", "t"), [([0.5, 0.2, 0.1], 0.3, 0.2), ([0.3, -0.1], 0.0, 0.7)])
def test_map_free_energy_hessian_match_brute_force(m, d, t):
    g, f, a = brute_force(m, d, t)
    np.testing.assert_allclose(multitasking_map(m, d, t), g, atol=1e-14)
    assert float(multitasking_free_energy(m, d, t)) == pytest.approx(f, abs=1e-14)
    np.testing.assert_allclose(multitasking_hessian(m, d, t), a, atol=1e-13)
    np.testing.assert_allclose(
        multitasking_hessian_eigenvalues(m, d, t), np.linalg.eigvalsh(a), atol=1e-13
    )


def test_gradient_and_hessian_by_finite_differences():
    # grad f = m - G(m) and the Hessian is the Jacobian of the gradient (tolerance 1e-8)
    m, d, t, h = np.array([0.4, 0.25, 0.1]), 0.45, 0.15, 1e-6
    eye = np.eye(3)
    grad = [
        (multitasking_free_energy(m + h * e, d, t) - multitasking_free_energy(m - h * e, d, t))
        / (2 * h)
        for e in eye
    ]
    np.testing.assert_allclose(grad, m - multitasking_map(m, d, t), atol=1e-8)
    jac = np.array(
        [
            (multitasking_map(m + h * e, d, t) - multitasking_map(m - h * e, d, t)) / (2 * h)
            for e in eye
        ]
    ).T
    np.testing.assert_allclose(multitasking_hessian(m, d, t), eye - jac, atol=1e-8)


def test_folded_configurations_cover_all():
    # (3^K - 1) / 2 representatives with first non-zero entry +1; weights sum to 1 - d^K
    for k in (1, 2, 5):
        xi, blanks = _configurations(k)
        assert xi.shape == ((3**k - 1) // 2, k)
        d = np.array([0.0, 0.37, 0.9])
        np.testing.assert_allclose(_weights(d, blanks, k).sum(axis=1), 1.0 - d**k, atol=1e-15)


def test_d_zero_reduces_to_binary_mixtures():
    # Hessian = mixtures.overlap_hessian; symmetric states = AGS mixtures (tolerance 1e-12)
    m, t = np.array([0.5, 0.3, 0.2]), 0.4
    np.testing.assert_allclose(multitasking_hessian(m, 0.0, t), overlap_hessian(m, t), atol=1e-13)
    temps = np.array([0.1, 0.3, 0.45, 0.8])
    state = parallel_state(3, 0.0, temps)
    np.testing.assert_allclose(state.overlaps[:, 0], mixture_overlap(3, temps), atol=1e-12)
    np.testing.assert_allclose(state.free_energy, mixture_free_energy(3, temps), atol=1e-12)
    ags = np.asarray(mixture_hessian_eigenvalues(3, temps))
    # longitudinal once, transverse twice
    expected = np.sort(np.stack([ags[:, 0], ags[:, 1], ags[:, 1]], axis=1), axis=1)
    np.testing.assert_allclose(state.hessian_eigenvalues, expected, atol=1e-12)


@pytest.mark.parametrize(("k", "n"), [(4, 1), (4, 2), (4, 4), (3, 3)])
def test_symmetric_closed_forms_match_enumeration(k, n):
    # 1-d equation + closed-form eigenvalues against the 3^K sums (tolerance 1e-12)
    d, t = 0.4, np.array([0.1, 0.3, 0.5])
    state = symmetric_mixture_state(k, n, d, t)
    assert np.all(state.converged)
    for i, ti in enumerate(t):
        m = state.overlaps[i]
        g, f, a = brute_force(m, d, ti)
        np.testing.assert_allclose(g, m, atol=1e-12)
        assert float(state.free_energy[i]) == pytest.approx(f, abs=1e-12)
        np.testing.assert_allclose(state.hessian_eigenvalues[i], np.linalg.eigvalsh(a), atol=1e-12)


# ---------------------------------------------------------------------------------------
# T = 0: the cascade, its threshold and the energies


def test_threshold_dilution_values():
    # d_c(2) = 1, d_c(3) = golden ratio conjugate (1e-4 and 1e-12), d_c -> 1/2 (1e-8)
    assert hierarchical_threshold_dilution(2) == 1.0
    assert hierarchical_threshold_dilution(3) == pytest.approx(0.6180, abs=1e-4)
    assert hierarchical_threshold_dilution(3) == pytest.approx(GOLDEN, abs=1e-12)
    values = [hierarchical_threshold_dilution(k) for k in range(3, 13)]
    assert np.all(np.diff(values) < 0)
    assert all(v > 0.5 for v in values)
    assert hierarchical_threshold_dilution(40) == pytest.approx(0.5, abs=1e-8)
    # it is the root of the criterion: sum_{s<K} d^s = 1 (1e-12)
    for k in (4, 5, 7):
        dc = hierarchical_threshold_dilution(k)
        assert sum(dc**s for s in range(1, k)) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("k", [3, 4, 5])
def test_cascade_is_fixed_point_iff_criterion(k):
    # the T = 0 map reproduces the cascade exactly (1e-15) just below d_c, not just above
    dc = hierarchical_threshold_dilution(k)
    for d, expect in [(dc - 0.01, True), (dc + 0.01, False)]:
        m = cascade_overlaps(k, d)
        moved = np.max(np.abs(multitasking_map(m, d, 0.0) - m))
        assert bool(hierarchical_is_fixed_point(k, d)) is expect
        assert bool(moved < 1e-15) is expect
    # and on a grid of d
    d = np.linspace(0.0, 0.95, 39)
    m = cascade_overlaps(k, d)
    fixed = np.max(np.abs(multitasking_map(m, d, 0.0) - m), axis=-1) < 1e-15
    np.testing.assert_array_equal(fixed, hierarchical_is_fixed_point(k, d))


def test_zero_temperature_energies():
    d = np.linspace(0.0, 0.95, 20)
    # E_hier = -(1/2)(1-d)^2 sum d^(2(k-1)) = f of the cascade at T = 0 (1e-15)
    for k in (2, 3):
        e = hierarchical_energy_zero_temperature(k, d)
        expected = -0.5 * (1 - d) ** 2 * sum(d ** (2 * j) for j in range(k))
        np.testing.assert_allclose(e, expected, atol=1e-15)
        ok = d < hierarchical_threshold_dilution(k)
        f = multitasking_free_energy(cascade_overlaps(k, d), d, 0.0)
        np.testing.assert_allclose(f[ok], e[ok], atol=1e-15)
    # K = 2 symmetric state: m = (1 - d^2)/2, E = -m^2, above E_hier by (1 - d)^4 / 4
    e_sym = symmetric_mixture_energy_zero_temperature(2, d)
    np.testing.assert_allclose(e_sym, -(((1 - d**2) / 2) ** 2), atol=1e-15)
    e_hier = hierarchical_energy_zero_temperature(2, d)
    np.testing.assert_allclose(e_sym - e_hier, (1 - d) ** 4 / 4, atol=1e-15)
    assert np.all(e_sym > e_hier)
    state = parallel_state(2, d, 0.0)
    np.testing.assert_allclose(state.overlaps[:, 0], (1 - d**2) / 2, atol=1e-15)
    np.testing.assert_allclose(state.free_energy, e_sym, atol=1e-15)
    # zero-field sites make it unstable at T = 0 (for d > 0), the cascade is stable
    assert not np.any(state.stable[d > 0])
    hier = hierarchical_state(2, d, 0.0)
    np.testing.assert_allclose(hier.free_energy, e_hier, atol=1e-15)
    assert np.all(hier.stable)
    # d = 0: the AGS energies
    assert float(symmetric_mixture_energy_zero_temperature(3, 0.0)) == pytest.approx(-0.375)


# ---------------------------------------------------------------------------------------
# critical temperature and the two conventions


def test_critical_temperature_from_linearization():
    d = np.array([0.0, 0.3, 0.8])
    np.testing.assert_array_equal(critical_temperature(d), 1 - d)
    np.testing.assert_array_equal(critical_temperature(d, normalized=True), 1.0)
    # the Hessian at m = 0 is (1 - (1 - d)/T) I: zero at T_c (1e-14)
    for di in d:
        lam = multitasking_hessian_eigenvalues(np.zeros(3), di, 1 - di)
        np.testing.assert_allclose(lam, 0.0, atol=1e-14)


@pytest.mark.parametrize("d", [0.0, 0.4, 0.75])
def test_overlaps_vanish_at_critical_temperature(d):
    tc = 1 - d
    eps = np.array([1e-2, 1e-4, 1e-6])
    # pure state near T_c: m = (1 - d) sqrt(3 eps) (1 + O(eps)) (relative 1e-2 at eps = 1e-2)
    pure = pure_state(3, d, tc * (1 - eps))
    np.testing.assert_allclose(pure.overlaps[:, 0] / ((1 - d) * np.sqrt(3 * eps)), 1.0, atol=1e-2)
    for state in (
        pure,
        parallel_state(3, d, tc * (1 - eps)),
        hierarchical_state(3, d, tc * (1 - eps)),
    ):
        assert np.all(state.converged)
        amp = np.max(np.abs(state.overlaps), axis=-1)
        assert np.all(np.diff(amp) < 0) and amp[-1] < 0.01
    above = tc * np.array([1.001, 1.1, 2.0])
    for state in (
        pure_state(3, d, above),
        parallel_state(3, d, above),
        hierarchical_state(3, d, above),
    ):
        assert np.all(state.status == "absent")


def test_normalized_convention():
    d, k = 0.6, 3
    # T_c = 1: states just below 1 exist, just above they do not
    assert np.all(pure_state(k, d, 0.999, normalized=True).converged)
    assert pure_state(k, d, 1.001, normalized=True).status == "absent"
    assert hierarchical_state(k, d, 1.001, normalized=True).status == "absent"
    # the normalized network at T is the unnormalized one at T (1 - d), f / (1 - d)
    t = np.array([0.05, 0.3, 0.9])
    for fn in (pure_state, parallel_state, hierarchical_state):
        norm = fn(k, d, t, normalized=True)
        plain = fn(k, d, t * (1 - d))
        np.testing.assert_allclose(norm.overlaps, plain.overlaps, atol=1e-12)
        np.testing.assert_allclose(norm.free_energy, plain.free_energy / (1 - d), atol=1e-12)
        np.testing.assert_allclose(
            norm.hessian_eigenvalues, plain.hessian_eigenvalues / (1 - d), atol=1e-10
        )
    m = np.array([0.2, 0.1, 0.05])
    np.testing.assert_allclose(
        multitasking_map(m, d, 0.5, normalized=True), multitasking_map(m, d, 0.2), atol=1e-15
    )
    assert parallel_onset_temperature(2, 0.8, normalized=True) == pytest.approx(
        parallel_onset_temperature(2, 0.8) / 0.2, rel=1e-12
    )


# ---------------------------------------------------------------------------------------
# the states at finite temperature


@pytest.mark.parametrize(("k", "value"), [(3, 0.0905), (4, 0.0864), (5, 0.0827)])
def test_large_dilution_all_overlaps_equal(k, value):
    # d = 0.9, T = 0.02: the cascade start flows onto the parallel state (1e-3)
    state = hierarchical_state(k, 0.9, 0.02)
    assert state.converged and state.stable
    np.testing.assert_allclose(state.overlaps, value, atol=1e-3)
    assert np.ptp(state.overlaps) < 1e-12
    assert classify_overlaps(state.overlaps) == "parallel"
    np.testing.assert_allclose(parallel_state(k, 0.9, 0.02).overlaps, state.overlaps, atol=1e-12)


def test_thermal_erasure_of_small_amplitudes():
    # K = 3, d = 0.1, T = 0.02: (1 - d) d^2 = 0.009 < T is erased (m_3 < 1e-10)
    state = hierarchical_state(3, 0.1, 0.02)
    assert state.converged and state.stable
    m = state.overlaps
    assert abs(m[2]) < 1e-10
    assert m[0] == pytest.approx(0.9, abs=1e-3)
    assert m[1] == pytest.approx(0.09, abs=1e-3)
    # at lower T the third level survives (T = 0.002 < 0.009)
    assert hierarchical_state(3, 0.1, 0.002).overlaps[2] == pytest.approx(0.009, abs=1e-3)


def test_pure_state_unstable_at_low_temperature_with_dilution():
    # blank sites of pattern 1 are free spins: direction 2 has 1 - beta (1 - d) <sech^2> < 0
    assert not pure_state(2, 0.3, 0.05).stable
    assert pure_state(2, 0.0, 0.05).stable


def test_states_at_one_point():
    states = multitasking_states(3, 0.5, 0.1)
    names = [s.name for s in states]
    assert len(names) == len(set(names))
    assert {"paramagnet", "pure", "mixture2", "parallel", "hierarchical"} <= set(names)
    assert states[0].name == "hierarchical" and states[0].stable
    f = [float(s.free_energy) for s in states]
    assert f == sorted(f)
    for s in states:  # every state solves the equations (1e-11)
        np.testing.assert_allclose(multitasking_map(s.overlaps, 0.5, 0.1), s.overlaps, atol=1e-11)


def test_solver_many_starts_and_grids():
    starts = np.array([[0.9, 0.05, 0.01], [0.3, 0.3, 0.3], [0.0, 0.0, 0.0]])[:, None, None, :]
    d = np.array([0.2, 0.5])[:, None]
    t = np.array([0.0, 0.1, 0.9])
    sol = solve_multitasking(starts, d, t)
    assert sol.overlaps.shape == (3, 2, 3, 3)
    assert sol.free_energy.shape == (3, 2, 3)
    assert np.all(sol.converged)
    ok = sol.overlaps[:, :, 1:]
    np.testing.assert_allclose(
        multitasking_map(ok, d, t[1:]), ok, atol=1e-11
    )  # fixed points at T > 0 (1e-11)
    # the paramagnet start stays there; above T_c everything collapses
    np.testing.assert_array_equal(sol.overlaps[2], 0.0)
    np.testing.assert_allclose(sol.overlaps[:, 1, 2], 0.0, atol=1e-6)


def test_slow_region_converges_everywhere():
    # d in [0.5, 0.7] near the bifurcations of the K = 5 cascade: the damped iteration
    # alone crawls there; every point must converge to a fixed point (1e-11)
    d = np.linspace(0.5, 0.7, 15)[:, None]
    t = np.linspace(0.05, 0.29, 15)[None, :]
    state = hierarchical_state(5, d, t)
    assert np.all(state.converged)
    np.testing.assert_allclose(multitasking_map(state.overlaps, d, t), state.overlaps, atol=1e-11)
    # every state found is a local minimum or a saddle; most are minima
    assert np.mean(state.stable) > 0.9


# ---------------------------------------------------------------------------------------
# where the parallel state is stable


def test_ags_three_mixture_window():
    # d = 0, K = 3: stable below T = 0.461 (AGS), within 0.002; same as mixtures (1e-8)
    ((lo, hi),) = parallel_stability_intervals(3, 0.0)
    assert lo == 0.0
    assert hi == pytest.approx(0.461, abs=0.002)
    assert hi == pytest.approx(mixture_stability_temperature(3), abs=1e-8)


def test_parallel_window_and_onset_temperature():
    for k in (2, 3):
        # the window reaches T_c only for d > 2/3 (quartic Landau coefficient)
        assert parallel_onset_temperature(k, 0.66) is None
        tp = parallel_onset_temperature(k, 0.7)
        assert 0.05 < tp < 0.3
        # the state is stable inside (T_p, T_c), unstable below (eigenvalues, 1e-9 margin)
        assert parallel_state(k, 0.7, 0.5 * (tp + 0.3)).stable
        assert not parallel_state(k, 0.7, 0.9 * tp).stable
        assert parallel_state(k, 0.7, tp).hessian_eigenvalues[0] == pytest.approx(0.0, abs=1e-9)
    # interior window without T_c for 2/3 > d > d*
    ((lo, hi),) = parallel_stability_intervals(2, 0.65)
    assert 0 < lo < hi < 0.35
    # K = 2: T_p -> (1 - d)^2 as d -> 1 (relative 1e-6 at d = 0.95)
    assert parallel_onset_temperature(2, 0.95) == pytest.approx(0.05**2, rel=1e-6)
    onset = parallel_onset_temperature(2, np.array([0.5, 0.8]))
    assert np.isnan(onset[0]) and onset[1] == pytest.approx(parallel_onset_temperature(2, 0.8))


def test_parallel_threshold_dilution():
    d_star = parallel_threshold_dilution(2)
    assert 0.59 < d_star < 0.62  # "about 0.60"
    assert parallel_stability_intervals(2, d_star + 0.005)
    assert not parallel_stability_intervals(2, d_star - 0.005)
    assert parallel_threshold_dilution(2, window="critical") == pytest.approx(2 / 3)


# ---------------------------------------------------------------------------------------
# phase diagram


@pytest.mark.parametrize("k", [2, 3])
def test_phase_diagram(k):
    d = np.array([0.0, 0.3, 0.9])
    t = np.array([0.05, 0.2, 0.5, 1.2])
    pd = multitasking_phase_diagram(k, d, t)
    n_states = len(pd.states)
    assert pd.states[0] == "paramagnet" and pd.states[-1] == "hierarchical"
    assert pd.exists.shape == pd.stable.shape == pd.free_energy.shape == (n_states, 3, 4)
    assert pd.overlaps.shape == (n_states, 3, 4, k)
    names = np.array(pd.states)
    # above T_c only the paramagnet exists, and it is the lowest
    above = t[None, :] >= (1 - d)[:, None]
    assert np.all(names[pd.lowest][above] == "paramagnet")
    assert not np.any(pd.exists[1:][:, above])
    # d = 0.3, T = 0.05: multitasking (hierarchical retrieval) wins
    assert names[pd.lowest[1, 0]] == "hierarchical"
    # d = 0.9, T = 0.05 is inside the parallel window (T_p < 0.05 < T_c = 0.1)
    assert names[pd.lowest[2, 0]] == "parallel"
    assert np.all(pd.lowest >= 0)


# ---------------------------------------------------------------------------------------
# learning version


def test_learning_reduces_to_plain_equations():
    start = np.array([0.7, 0.2, 0.05])
    d, t = 0.3, np.array([0.05, 0.2, 0.5])
    plain = solve_multitasking(start, d, t)
    exact = solve_multitasking_learning(start, 0.0, d, t)
    np.testing.assert_allclose(exact.example_overlaps, plain.overlaps, atol=1e-12)
    np.testing.assert_allclose(exact.overlaps, plain.overlaps, atol=1e-12)
    np.testing.assert_allclose(exact.free_energy, plain.free_energy, atol=1e-12)
    small = solve_multitasking_learning(start, 1e-6, d, t)  # O(rho) away (1e-5)
    np.testing.assert_allclose(small.overlaps, plain.overlaps, atol=1e-5)
    np.testing.assert_allclose(small.example_overlaps, plain.overlaps, atol=1e-5)


@pytest.mark.parametrize("rho", [0.2, 1.0])
def test_learning_critical_temperature_independent_of_rho(rho):
    d = 0.4
    tc = 1 - d
    below = solve_multitasking_learning([0.5, 0.1], rho, d, tc * np.array([0.9, 0.99]))
    assert np.all(below.converged) and np.all(below.example_overlaps[:, 0] > 1e-2)
    above = solve_multitasking_learning([0.5, 0.1], rho, d, tc * np.array([1.01, 1.2]))
    assert np.all(above.converged)
    np.testing.assert_allclose(above.example_overlaps, 0.0, atol=1e-6)
    norm = solve_multitasking_learning([0.5, 0.1], rho, d, [0.99, 1.01], normalized=True)
    assert norm.example_overlaps[0, 0] > 1e-2 and abs(norm.example_overlaps[1, 0]) < 1e-6


def test_learning_equations_against_two_dimensional_quadrature():
    # Gaussian integration by parts + the 1-d kink rule against a 2-d Gauss-Hermite rule
    # on z_1, z_2 and the 3^2 configurations at T = 0.5 (smooth integrand; 1e-10)
    k, d, rho, t = 2, 0.35, 0.6, 0.5
    n = np.array([[0.4, 0.15]])
    xi, blanks = _configurations(k)
    fn = _learning_fn(k, _weights(np.array([d]), blanks, k), np.array([rho]), np.array([1 / t]))
    residual, jac, m = fn(n, np.array([0]))
    z, wz = np.polynomial.hermite_e.hermegauss(120)
    wz = wz / wz.sum()
    z1, z2 = np.meshgrid(z, z, indexing="ij")
    w2 = np.outer(wz, wz)
    confs, weights = all_configurations(k, d)
    num, mm = np.zeros(2), np.zeros(2)
    for c, wc in zip(confs, weights):
        eta = [c[0] * (1 + np.sqrt(rho) * z1), c[1] * (1 + np.sqrt(rho) * z2)]
        th = np.tanh((n[0, 0] * eta[0] + n[0, 1] * eta[1]) / t)
        num += wc * np.array([np.sum(w2 * eta[0] * th), np.sum(w2 * eta[1] * th)])
        mm += wc * c * np.sum(w2 * th)
    np.testing.assert_allclose(residual[0], num / (1 + rho) - n[0], atol=1e-10)
    np.testing.assert_allclose(m[0], mm, atol=1e-10)
    # and the analytic Jacobian against central differences (1e-7)
    h = 1e-6
    fd = np.array(
        [
            (fn(n + h * e, np.array([0]))[0] - fn(n - h * e, np.array([0]))[0])[0] / (2 * h)
            for e in np.eye(2)
        ]
    ).T
    np.testing.assert_allclose(jac[0], fd, atol=1e-7)


def test_learning_parallel_window_near_critical_temperature():
    # quartic coefficient with noise: the symmetric state is stable just below T_c iff
    # d > d_L(rho) = 1 - (1 + 6 rho + 3 rho^2) / (3 (1 + rho)^2) (docs, section 6)
    rho = 0.5
    d_l = 1 - (1 + 6 * rho + 3 * rho**2) / (3 * (1 + rho) ** 2)
    for d, expect in [(d_l - 0.03, False), (d_l + 0.03, True)]:
        state = solve_multitasking_learning([0.1, 0.1], rho, d, 0.995 * (1 - d))
        assert state.converged and bool(state.stable) is expect
        assert np.ptp(state.example_overlaps) < 1e-12


# ---------------------------------------------------------------------------------------
# argument checks


@pytest.mark.parametrize(
    "call",
    [
        lambda: pure_state(3, float("nan"), 0.1),
        lambda: pure_state(3, 1.0, 0.1),
        lambda: pure_state(3, -0.1, 0.1),
        lambda: pure_state(3, 0.2, -0.1),
        lambda: pure_state(3, 0.2, float("inf")),
        lambda: pure_state(0, 0.2, 0.1),
        lambda: pure_state(11, 0.2, 0.1),
        lambda: pure_state(2.0, 0.2, 0.1),
        lambda: symmetric_mixture_state(3, 4, 0.2, 0.1),
        lambda: hierarchical_state(3, [0.2, float("nan")], 0.1),
        lambda: multitasking_map([0.1, float("nan")], 0.2, 0.1),
        lambda: multitasking_hessian([0.1, 0.2], 0.2, 0.0),
        lambda: solve_multitasking(np.zeros(11), 0.2, 0.1),
        lambda: hierarchical_threshold_dilution(0),
        lambda: parallel_threshold_dilution(2, window="bad"),
        lambda: parallel_stability_intervals(2, [0.5, 0.6]),
        lambda: multitasking_states(2, [0.5, 0.6], 0.1),
        lambda: multitasking_phase_diagram(9, [0.5], [0.1]),
        lambda: solve_multitasking_learning([0.5, 0.1], -0.1, 0.2, 0.1),
        lambda: solve_multitasking_learning([0.5, 0.1], 0.1, 0.2, 0.0),
        lambda: solve_multitasking_learning([0.5, 0.1], float("inf"), 0.2, 0.1),
    ],
)
def test_bad_arguments_raise_one_line_value_errors(call):
    with pytest.raises(ValueError) as info:
        call()
    assert "\n" not in str(info.value)


def test_cascade_threshold_for_huge_k_is_immediate_and_tends_to_one_half():
    from hebbian.theory import hierarchical_is_fixed_point, hierarchical_threshold_dilution

    # closed-form geometric tail: no array of K powers (K = 1e9 would need 8 GB)
    assert hierarchical_threshold_dilution(10**9) == pytest.approx(0.5, abs=1e-12)
    assert bool(hierarchical_is_fixed_point(10**9, 0.499))
    assert not bool(hierarchical_is_fixed_point(10**9, 0.501))
