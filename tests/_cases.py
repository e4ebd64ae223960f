"""Model factories and statistics shared by the tests (parity, exact enumeration)."""

import numpy as np

from hebbian.models import HebbianModel
from hebbian.patterns import diluted_patterns, random_patterns


def hebbian_case(p, n_neurons, n_memories, *, dilution=0.0, weighted=False, seed=0):
    """A Hebbian model with random (or diluted) patterns and optional random weights."""
    rng = np.random.default_rng(seed)
    if dilution:
        xi = diluted_patterns(n_memories, n_neurons, dilution=dilution, seed=rng)
    else:
        xi = random_patterns(n_memories, n_neurons, seed=rng)
    weights = rng.uniform(0.3, 1.7, n_memories) if weighted else None
    return HebbianModel(xi, p=p, weights=weights)


def z_scores(ds, exact):
    """Return ``|MC - exact| / stderr`` of ``<m_k^2>`` (per memory) and of ``<E>``.

    ``ds`` is a :func:`hebbian.simulate` Dataset (Sokal errors pooled over chains),
    ``exact`` the :func:`hebbian.montecarlo.exact.exact_averages` of the same model.
    """
    z_m2 = np.abs(ds.m2_mean.values - exact.m2) / ds.m2_stderr.values
    z_e = abs(float(ds.energy_mean) - exact.energy) / float(ds.energy_stderr)
    return z_m2, z_e
