"""Model factories shared by the kernel parity tests."""

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
