"""Invariants of the dynamics: Lyapunov property at T = 0, exact incremental overlaps."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hebbian.models import CouplingModel, HebbianModel
from hebbian.montecarlo.draws import draw_sweep, random_spins
from hebbian.montecarlo.dynamics import HEAT_BATH, METROPOLIS, ZERO_TEMPERATURE
from hebbian.montecarlo.engine import MarkovChains
from hebbian.observables import overlap_sums
from hebbian.patterns import diluted_patterns, random_patterns


def run_single_flips(chains, rng, n_sweeps, dynamics, beta):
    """Energies after every sweep."""
    energies = [chains.energy().copy()]
    for _ in range(n_sweeps):
        d = draw_sweep(
            rng,
            n_chains=chains.n_chains,
            n_neurons=chains.spins.shape[1],
            needs_uniforms=dynamics != ZERO_TEMPERATURE,
        )
        chains.sweep(beta=beta, dynamics=dynamics, uniforms=d.uniforms, order=d.order)
        energies.append(chains.energy().copy())
    return np.array(energies)


@settings(max_examples=25, deadline=None)
@given(
    p=st.integers(2, 4),
    n_neurons=st.integers(5, 60),
    load=st.floats(0.05, 0.8),
    dilution=st.sampled_from([0.0, 0.3]),
    seed=st.integers(0, 2**31 - 1),
)
def test_zero_temperature_energy_never_rises(p, n_neurons, load, dilution, seed):
    rng = np.random.default_rng(seed)
    K = max(1, int(load * n_neurons ** (p - 1) / (10 if p > 2 else 1)))
    K = min(K, 400)
    xi = (
        diluted_patterns(K, n_neurons, dilution=dilution, seed=rng)
        if dilution
        else random_patterns(K, n_neurons, seed=rng)
    )
    chains = MarkovChains(HebbianModel(xi, p=p), random_spins(rng, 2, n_neurons))
    energies = run_single_flips(chains, rng, 8, ZERO_TEMPERATURE, np.inf)
    # exact integer fields: an accepted flip lowers E by 2|h| > 0; allow float rounding only
    assert np.all(np.diff(energies, axis=0) <= 1e-12)


def test_zero_temperature_energy_never_rises_couplings():
    rng = np.random.default_rng(5)
    N = 80
    A = rng.normal(size=(N, N))
    chains = MarkovChains(CouplingModel(A + A.T), random_spins(rng, 4, N))
    energies = run_single_flips(chains, rng, 10, ZERO_TEMPERATURE, np.inf)
    assert np.all(np.diff(energies, axis=0) <= 1e-12)
    assert np.all(energies[-1] < energies[0])


def test_incremental_overlaps_equal_recomputed_after_1000_sweeps():
    rng = np.random.default_rng(9)
    N, K = 301, 29
    model = HebbianModel(diluted_patterns(K, N, dilution=0.2, seed=rng))
    chains = MarkovChains(model, random_spins(rng, 4, N))
    flips = 0
    for sweep in range(1000):
        dyn, beta = (HEAT_BATH, 1 / 0.8) if sweep % 2 else (METROPOLIS, 1 / 0.6)
        d = draw_sweep(rng, n_chains=4, n_neurons=N)
        flips += int(
            chains.sweep(beta=beta, dynamics=dyn, uniforms=d.uniforms, order=d.order).sum()
        )
    assert flips > 100_000
    assert np.array_equal(chains.sums, overlap_sums(chains.spins, model.memories))


def test_stored_patterns_are_fixed_points_at_low_load():
    # alpha = 0.01 << N/(2 ln N) / N: every pattern is a fixed point w.h.p.
    model = HebbianModel(random_patterns(10, 1000, seed=4))
    chains = MarkovChains(model, model.memories)
    rng = np.random.default_rng(0)
    d = draw_sweep(rng, n_chains=10, n_neurons=1000, needs_uniforms=False)
    flips = chains.sweep(
        beta=np.inf, dynamics=ZERO_TEMPERATURE, uniforms=d.uniforms, order=d.order
    )
    assert np.all(flips == 0)


def test_permutations_from_uniforms_is_fisher_yates():
    from hebbian.montecarlo._permute import permutations_from_uniforms

    rng = np.random.default_rng(3)
    u = rng.random((4, 57))
    got = permutations_from_uniforms(u)
    for c in range(4):
        expected = list(range(57))
        for t in range(56, 0, -1):
            j = int(u[c, t] * (t + 1))
            expected[t], expected[j] = expected[j], expected[t]
        assert got[c].tolist() == expected
    # uniform over positions: each site visits each position ~ equally often
    counts = np.zeros((5, 5))
    for row in permutations_from_uniforms(rng.random((20000, 5))):
        counts[np.arange(5), row] += 1
    assert np.all(np.abs(counts - 4000) < 4 * np.sqrt(4000 * 0.8))
