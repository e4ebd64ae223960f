"""Dense networks trained on examples, on the engine: Monte Carlo against exact enumeration.

Statistical design as in tests/test_exact.py: fixed seeds, 8 chains, Sokal errors of the
Monte Carlo means, a point passes when |MC - exact| < 4 standard errors.
"""

import math

import numpy as np
import pytest
from _cases import z_scores

from hebbian.models import HebbianModel
from hebbian.montecarlo.engine import simulate
from hebbian.montecarlo.exact import exact_averages
from hebbian.patterns import noisy_examples, random_patterns
from hebbian.theory import example_quality

Z_MAX = 4.0


def unsupervised_model(p, n_neurons, n_archetypes, n_examples, rho, seed):
    """The unsupervised p-body network of ``M`` examples per archetype, ``R^(p/2)`` scaled."""
    rng = np.random.default_rng(seed)
    r = float(example_quality(rho, n_examples))
    archetypes = random_patterns(n_archetypes, n_neurons, seed=rng)
    examples = noisy_examples(archetypes, quality=r, n_examples=n_examples, seed=rng)
    weight = 1.0 / (math.factorial(p - 1) * n_examples * (r * r * (1.0 + rho)) ** (p / 2))
    memories = examples.reshape(n_archetypes * n_examples, n_neurons)
    return HebbianModel(memories, p=p, weights=np.full(len(memories), weight)), archetypes


@pytest.mark.parametrize(("p", "n_neurons"), [(2, 12), (3, 13)])
def test_unsupervised_dense_model_matches_exact_enumeration(p, n_neurons):
    # K = 2 archetypes, M = 3 examples each (rho = 0.5: r = 0.53), at a temperature where
    # the examples are retrieved with finite overlaps
    model, _ = unsupervised_model(p, n_neurons, 2, 3, 0.5, seed=40 + p)
    temperature = 0.6
    exact = exact_averages(model, temperature=temperature)
    ds = simulate(model, temperature=temperature, n_sweeps=4000, n_burn=200, n_chains=8, seed=p)
    z_m2, z_e = z_scores(ds, exact)
    assert np.all(z_m2 < Z_MAX), (z_m2, ds.m2_mean.values, exact.m2)
    assert z_e < Z_MAX, (z_e, float(ds.energy_mean), exact.energy)
    assert float(ds.energy_stderr) < 0.05 * abs(exact.energy) + 1e-3  # the test has power
