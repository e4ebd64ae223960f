"""Checks of the low-load mixture-state theory (Amit, Gutfreund and Sompolinsky, Phys. Rev.

A 32, 1007 (1985)): T = 0 energies, the 3-, 5- and 7-mixture stability temperatures,
even mixtures never stable, against exact enumeration and brute-force free energies.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hebbian.theory import (
    curie_weiss_magnetization,
    mixture_energy_zero_temperature,
    mixture_free_energy,
    mixture_hessian_eigenvalues,
    mixture_is_stable,
    mixture_overlap,
    mixture_stability_temperature,
    overlap_hessian,
    solve_hopfield,
)


def brute_force_free_energy(overlaps, temperature):
    """f(m) = |m|^2/2 - T <ln 2cosh(beta m.xi)> by enumerating all sign patterns."""
    m = np.asarray(overlaps, dtype=float)
    xi = np.array(list(itertools.product((1, -1), repeat=m.size)), dtype=float)
    h = xi @ m / temperature
    return 0.5 * m @ m - temperature * np.mean(np.logaddexp(h, -h))


def test_curie_weiss_values():
    t = np.array([0.3, 0.5, 0.7, 0.9])
    m = curie_weiss_magnetization(t)
    np.testing.assert_allclose(m, [0.99741, 0.9575, 0.82863, 0.52543], atol=5e-6)
    np.testing.assert_allclose(m, np.tanh(m / t), atol=1e-14)
    np.testing.assert_array_equal(curie_weiss_magnetization([1.0, 1.5]), 0.0)
    assert float(curie_weiss_magnetization(0.0)) == 1.0
    # same as the extensive-load solver at alpha = 0
    np.testing.assert_allclose(solve_hopfield(0.0, t).m, m, atol=1e-12)


@pytest.mark.parametrize(
    ("n", "energy", "overlap"),
    [(1, -0.5, 1.0), (3, -0.375, 0.5), (5, -0.3516, 0.375), (7, -0.3418, 0.3125)],
)
def test_mixture_energies_checklist_5(n, energy, overlap):
    assert mixture_energy_zero_temperature(n) == pytest.approx(energy, abs=5e-5)
    assert float(mixture_overlap(n, 0.0)) == pytest.approx(overlap, abs=1e-15)
    # the finite-T free energy tends to it (odd mixtures: corrections ~ exp(-2 m / T))
    assert float(mixture_free_energy(n, 0.01)) == pytest.approx(energy, abs=5e-5)
    # and the energy is the brute-force f at T -> 0 with m_mu = m_n on n patterns
    assert brute_force_free_energy([overlap] * n, 1e-3) == pytest.approx(energy, abs=5e-5)


def test_mixture_energy_exact_values():
    assert mixture_energy_zero_temperature(3) == pytest.approx(-3 / 8, abs=1e-15)
    assert mixture_energy_zero_temperature(5) == pytest.approx(-(1.875**2) / 10, abs=1e-15)
    assert mixture_energy_zero_temperature(2) == pytest.approx(-0.25, abs=1e-15)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_mixture_overlap_solves_equation_and_is_stationary(n):
    t = np.array([0.1, 0.4, 0.8, 0.95])
    m = mixture_overlap(n, t)
    assert np.all(m > 0)
    for mi, ti in zip(m, t):
        xi = np.array(list(itertools.product((1, -1), repeat=n)), dtype=float)
        z = xi.sum(axis=1)
        assert mi == pytest.approx(np.mean(z * np.tanh(mi * z / ti)) / n, abs=1e-13)
        f = float(mixture_free_energy(n, ti))
        assert f == pytest.approx(brute_force_free_energy([mi] * n, ti), abs=1e-13)
        # stationary along the symmetric direction (and not elsewhere)
        h = 1e-5
        slope = (
            brute_force_free_energy([mi + h] * n, ti) - brute_force_free_energy([mi - h] * n, ti)
        ) / (2 * h)
        assert abs(slope) < 1e-8
        off = (
            brute_force_free_energy([0.9 * mi + h] * n, ti)
            - brute_force_free_energy([0.9 * mi - h] * n, ti)
        ) / (2 * h)
        assert abs(off) > 1e-6
    assert np.all(np.isnan(mixture_overlap(n, [1.0, 1.3])))


def test_hessian_closed_form_matches_enumeration():
    for n, t in ((3, 0.3), (3, 0.5), (4, 0.6), (5, 0.2), (1, 0.7)):
        m = float(mixture_overlap(n, t))
        eig = np.linalg.eigvalsh(overlap_hessian(np.full(n, m), t))
        lam = mixture_hessian_eigenvalues(n, t)
        if n == 1:
            assert eig[0] == pytest.approx(lam[0], abs=1e-13)
            continue
        expected = np.sort(np.r_[lam[0], np.full(n - 1, lam[1])])
        np.testing.assert_allclose(eig, expected, atol=1e-13)
    # A is the Hessian of the free energy in the overlaps (finite differences of f)
    n, t = 3, 0.4
    m = np.full(n, float(mixture_overlap(n, t)))
    a = overlap_hessian(m, t)
    h = 1e-4
    e0, e1 = np.eye(n)[0], np.eye(n)[1]
    d00 = (
        brute_force_free_energy(m + h * e0, t)
        - 2 * brute_force_free_energy(m, t)
        + brute_force_free_energy(m - h * e0, t)
    ) / h**2
    d01 = (
        brute_force_free_energy(m + h * (e0 + e1), t)
        - brute_force_free_energy(m + h * (e0 - e1), t)
        - brute_force_free_energy(m - h * (e0 - e1), t)
        + brute_force_free_energy(m - h * (e0 + e1), t)
    ) / (4 * h**2)
    assert d00 == pytest.approx(a[0, 0], abs=1e-5)
    assert d01 == pytest.approx(a[0, 1], abs=1e-5)


def test_three_mixture_stability_checklist_5():
    t3 = mixture_stability_temperature(3)
    assert t3 == pytest.approx(0.460, abs=0.002)
    assert t3 == pytest.approx(0.4598, abs=2e-4)
    stable = mixture_is_stable(3, np.array([0.0, 0.1, t3 - 0.005, t3 + 0.005, 0.8]))
    assert stable.tolist() == [True, True, True, False, False]
    # it is the doubly degenerate transverse eigenvalue that vanishes
    lam = mixture_hessian_eigenvalues(3, t3)
    assert lam[1] == pytest.approx(0.0, abs=1e-10)
    assert lam[0] > 0.5 and lam[2] > 0.1


def test_higher_odd_mixtures():
    assert mixture_stability_temperature(5) == pytest.approx(0.385, abs=0.002)
    assert mixture_stability_temperature(7) == pytest.approx(0.344, abs=0.002)
    assert mixture_stability_temperature(1) == 1.0
    assert mixture_is_stable(1, np.array([0.1, 0.9])).all()


@pytest.mark.parametrize("n", [2, 4, 6])
def test_even_mixtures_never_stable(n):
    t = np.linspace(0.0, 0.995, 200)
    assert not np.any(mixture_is_stable(n, t))
    assert np.isnan(mixture_stability_temperature(n))
    lam = mixture_hessian_eigenvalues(n, t[1:])
    assert np.all(np.min(lam, axis=-1) < 0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mixture_overlap(0, 0.5), "n must be"),
        (lambda: mixture_overlap(2.0, 0.5), "n must be"),
        (lambda: mixture_overlap(3, -0.1), "temperature"),
        (lambda: mixture_energy_zero_temperature(-1), "n must be"),
        (lambda: mixture_stability_temperature(0), "n must be"),
        (lambda: overlap_hessian([0.5, 0.5], 0.0), "temperature"),
        (lambda: overlap_hessian(np.ones((2, 2)), 0.5), "overlaps"),
        (lambda: overlap_hessian(np.ones(21), 0.5), "n <= 20"),
    ],
)
def test_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


TEMPERATURE_CALLS = {
    "mixture_overlap": (lambda t: mixture_overlap(3, t), "[0, inf)"),
    "curie_weiss_magnetization": (curie_weiss_magnetization, "[0, inf)"),
    "mixture_free_energy": (lambda t: mixture_free_energy(3, t), "[0, inf)"),
    "mixture_hessian_eigenvalues": (lambda t: mixture_hessian_eigenvalues(3, t), "[0, inf)"),
    "mixture_is_stable": (lambda t: mixture_is_stable(3, t), "[0, inf)"),
    "overlap_hessian": (lambda t: overlap_hessian([0.5, 0.5, 0.5], t), "(0, inf)"),
}


@pytest.mark.parametrize("name", sorted(TEMPERATURE_CALLS))
@pytest.mark.parametrize(
    ("value", "shown"),
    [(np.inf, "inf"), (np.nan, "nan"), ([0.3, -np.inf], "-inf"), (-0.1, "-0.1")],
)
def test_non_finite_or_negative_temperature_is_refused(name, value, shown):
    call, allowed = TEMPERATURE_CALLS[name]
    with pytest.raises(ValueError) as exc:
        call(value)
    assert str(exc.value) == f"temperature must be finite and in {allowed}, got {shown}"


@pytest.mark.parametrize("n", [0, -1, 2.0, True, "3", None])
def test_mixture_size_must_be_a_positive_integer(n):
    with pytest.raises(ValueError, match=r"n must be an integer >= 1, got "):
        mixture_overlap(n, 0.5)
    assert float(mixture_overlap(np.int64(3), 0.0)) == 0.5
