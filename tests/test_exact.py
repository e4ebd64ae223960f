"""Monte Carlo against exact enumeration, and the enumeration against a plain loop.

Statistical design: fixed seeds; 8 independent chains per point; the error of a Monte
Carlo mean is Sokal's sqrt(2 tau_int var / n) with the measured autocorrelation time,
pooled over chains; a point passes when |MC - exact| < 4 standard errors (a false alarm
rate of 6e-5 per comparison for a Gaussian estimator).
"""

import itertools

import numpy as np
import pytest
from _cases import z_scores

from hebbian.models import CouplingModel, HebbianModel
from hebbian.montecarlo.engine import simulate
from hebbian.montecarlo.exact import enumerate_states, exact_averages
from hebbian.observables import hebbian_energy, overlap_sums
from hebbian.patterns import diluted_patterns, random_patterns

Z_MAX = 4.0


def test_enumeration_matches_plain_loop():
    N, K, T = 8, 2, 0.7
    xi = random_patterns(K, N, seed=3)
    model = HebbianModel(xi, p=3)
    weights, energies, ms = [], [], []
    for s in itertools.product([-1, 1], repeat=N):
        s = np.array(s)
        e = hebbian_energy(
            overlap_sums(s, xi), nnz=model.nonzero_counts, weights=model.weights, p=3, n_neurons=N
        )
        energies.append(e)
        ms.append(xi @ s / N)
        weights.append(np.exp(-N * e / T))
    w = np.array(weights) / np.sum(weights)
    exact = exact_averages(model, temperature=T, chunk=37)
    assert exact.energy == pytest.approx(w @ np.array(energies), rel=1e-12)
    np.testing.assert_allclose(exact.m2, w @ np.array(ms) ** 2, rtol=1e-12)
    np.testing.assert_allclose(exact.abs_m, w @ np.abs(np.array(ms)), rtol=1e-12)
    assert exact.log_z == pytest.approx(np.log(np.sum(weights)), rel=1e-12)
    assert enumerate_states(3).tolist()[:2] == [[-1, -1, -1], [1, -1, -1]]


def test_zero_temperature_is_ground_state_average():
    xi = random_patterns(1, 10, seed=0)
    exact = exact_averages(HebbianModel(xi), temperature=0)
    # ground states of a single stored pattern: +-xi, with E/N = -1/2 + 1/(2N)
    assert exact.energy == pytest.approx(-0.5 + 1 / 20)
    assert exact.m2[0] == pytest.approx(1.0)
    assert exact.m[0] == pytest.approx(0.0, abs=1e-15)


def test_rejects_large_networks():
    with pytest.raises(ValueError, match="n_neurons must be in \\[1, 20\\], got 21"):
        exact_averages(HebbianModel(random_patterns(1, 21, seed=0)), temperature=1.0)


@pytest.mark.slow
@pytest.mark.parametrize("p", [2, 3])
@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("dynamics", ["heat_bath", "metropolis"])
def test_monte_carlo_matches_exact_enumeration(p, temperature, dynamics):
    N = 12 if p == 2 else 14
    K = 2 if p == 2 else 4
    model = HebbianModel(random_patterns(K, N, seed=100 + p), p=p)
    exact = exact_averages(model, temperature=temperature)
    ds = simulate(
        model,
        temperature=temperature,
        dynamics=dynamics,
        n_sweeps=6000,
        n_burn=200,
        n_chains=8,
        seed=1000 * p + int(10 * temperature),
    )
    z_m2, z_e = z_scores(ds, exact)
    assert np.all(z_m2 < Z_MAX), (z_m2, ds.m2_mean.values, exact.m2)
    assert z_e < Z_MAX, (z_e, float(ds.energy_mean), exact.energy)
    # the test has power: errors are small compared with the quantities
    assert float(ds.energy_stderr) < 0.02 * abs(exact.energy) + 1e-3


@pytest.mark.slow
def test_monte_carlo_matches_exact_n16_diluted_and_couplings():
    rng = np.random.default_rng(4)
    xi = random_patterns(3, 16, seed=rng)
    xi[:, ::5] = 0
    model = HebbianModel(xi)
    exact = exact_averages(model, temperature=0.8)
    ds = simulate(model, temperature=0.8, n_sweeps=5000, n_burn=200, n_chains=8, seed=7)
    z_m2, z_e = z_scores(ds, exact)
    assert np.all(z_m2 < Z_MAX) and z_e < Z_MAX
    A = rng.normal(size=(13, 13)) / np.sqrt(13)
    coupling = CouplingModel(A + A.T, memories=random_patterns(2, 13, seed=rng))
    exact = exact_averages(coupling, temperature=1.2)
    ds = simulate(coupling, temperature=1.2, n_sweeps=5000, n_burn=200, n_chains=8, seed=8)
    z_m2, z_e = z_scores(ds, exact)
    assert np.all(z_m2 < Z_MAX) and z_e < Z_MAX


def test_monte_carlo_detects_a_wrong_temperature():
    # Power check of the statistical test itself: the same comparison against the exact
    # averages at another temperature fails clearly.
    model = HebbianModel(random_patterns(2, 12, seed=102))
    ds = simulate(model, temperature=1.0, n_sweeps=3000, n_burn=200, n_chains=8, seed=5)
    _, z_e = z_scores(ds, exact_averages(model, temperature=1.3))
    assert z_e > 3 * Z_MAX


@pytest.mark.parametrize("dilution", [0.2, 0.5, 0.8])
def test_monte_carlo_matches_exact_with_diluted_patterns(dilution):
    # the multitasking ensemble itself (blank entries with probability d), at N = 13 and a
    # temperature below T_c = 1 - d: z-scores of <m_k^2> and <E> below Z_MAX
    model = HebbianModel(diluted_patterns(3, 13, dilution=dilution, seed=int(100 * dilution)))
    temperature = 0.7 * (1.0 - dilution)
    exact = exact_averages(model, temperature=temperature)
    ds = simulate(model, temperature=temperature, n_sweeps=4000, n_burn=200, n_chains=8, seed=11)
    z_m2, z_e = z_scores(ds, exact)
    assert np.all(z_m2 < Z_MAX), (z_m2, ds.m2_mean.values, exact.m2)
    assert z_e < Z_MAX, (z_e, float(ds.energy_mean), exact.energy)
    assert float(ds.energy_stderr) < 0.05 * abs(exact.energy) + 1e-3  # the test has power
