"""Vector symbolic architectures: hypervector models and resonator networks.

Layer 2, beside :mod:`hebbian.montecarlo`, :mod:`hebbian.theory` and
:mod:`hebbian.learning` (none imports another). The code is written once for NumPy and
CuPy (array-API style, the array module from :func:`hebbian.device.array_module`).

* :mod:`hebbian.vsa.models` -- the hypervector models MAP-I, MAP-B (Gayler 2003), BSC
  (Kanerva 2009), HRR (Plate 1995), FHRR and the Bloom filter (Bloom 1970), each with
  bind, unbind, bundle, permute, similarity and cleanup against a codebook;
  :func:`hypervector_model` by name.
* :mod:`hebbian.vsa.capacity` -- Monte Carlo of the readouts whose accuracy
  :mod:`hebbian.theory.vsa` predicts (Frady, Kleyko, Sommer, Neural Computation 30, 1449
  (2018)): key-value bundles, sequences, Bloom filters.
* :mod:`hebbian.vsa.resonator` -- the resonator network that factors a product of
  codevectors (Frady, Kent, Olshausen, Sommer and Kent, Frady, Sommer, Olshausen, Neural
  Computation 32, 2311 and 2332 (2020)).
* :mod:`hebbian.vsa.baselines` -- Kent et al.'s optimisation baselines (alternating
  least squares, projected gradient descent, ISTA, FISTA, multiplicative weights, a
  map-seeking circuit); :mod:`hebbian.vsa.stochastic` -- the
  stochastic threshold factorizer (Langenegger et al., Nature Nanotechnology 18, 479
  (2023)); :mod:`hebbian.vsa.complex_resonator` -- the resonator on phasor codebooks.
* :mod:`hebbian.vsa.trials` -- factorizers on random problems: accuracy, speed and
  operational capacity.

Examples
--------
>>> from hebbian.vsa import hypervector_model
>>> vsa = hypervector_model("map-i", 1000)
>>> a, b = vsa.random((2,), seed=0)
>>> bool((vsa.unbind(vsa.bind(a, b), b) == a).all())
True
"""

from hebbian.vsa.baselines import (
    als,
    fista,
    ista,
    map_seeking,
    multiplicative_weights,
    projected_gradient,
)
from hebbian.vsa.capacity import (
    BinomialRate,
    MembershipSearch,
    bloom_false_positives,
    bundle_retrieval_accuracy,
    membership_failures,
    membership_min_dimension,
    membership_threshold,
    sequence_retrieval_accuracy,
)
from hebbian.vsa.complex_resonator import complex_resonate, complex_resonator_trials
from hebbian.vsa.models import (
    BSC,
    FHRR,
    HRR,
    MAPB,
    MAPI,
    MAX_DIMENSION,
    MODELS,
    BloomFilter,
    HypervectorModel,
    hypervector_model,
)
from hebbian.vsa.resonator import ResonatorResult, resonate
from hebbian.vsa.stochastic import stochastic_factorize
from hebbian.vsa.trials import operational_capacity, resonator_trials

__all__ = [
    "BSC",
    "FHRR",
    "HRR",
    "MAPB",
    "MAPI",
    "MAX_DIMENSION",
    "MODELS",
    "BinomialRate",
    "BloomFilter",
    "HypervectorModel",
    "MembershipSearch",
    "ResonatorResult",
    "als",
    "bloom_false_positives",
    "bundle_retrieval_accuracy",
    "complex_resonate",
    "complex_resonator_trials",
    "fista",
    "hypervector_model",
    "ista",
    "map_seeking",
    "membership_failures",
    "membership_min_dimension",
    "membership_threshold",
    "multiplicative_weights",
    "operational_capacity",
    "projected_gradient",
    "resonate",
    "resonator_trials",
    "sequence_retrieval_accuracy",
    "stochastic_factorize",
]
