"""Attention layers beside the Hebbian networks, and the one-layer associative memory.

Layer 2, beside :mod:`hebbian.montecarlo`, :mod:`hebbian.theory`, :mod:`hebbian.learning`
and :mod:`hebbian.vsa` (none imports another). The code is written once for NumPy and
CuPy (array-API style: the array module of the inputs,
:func:`hebbian.device.array_module_of`).

* :mod:`hebbian.attention.layers` -- softmax attention = the modern Hopfield update
  (Ramsauer et al., ICLR 2021) and its energy, Softmax1 (Hu et al., ICML 2024), linear
  attention = the Hebbian fast-weight memory with feature maps (Katharopoulos et al.
  2020; Schlag, Irie, Schmidhuber 2021), the delta rule and its least-squares limit,
  the dense associative memory (Krotov and Hopfield 2016).
* :mod:`hebbian.attention.sdm` -- Kanerva's sparse distributed memory (1988) and its
  read as attention weights (Bricken and Pehlevan, NeurIPS 2021).
* :mod:`hebbian.attention.capacity` -- every layer on the same random pairs: relative
  error and winner-take-all accuracy.

Examples
--------
>>> from hebbian.attention import retrieval_trials
>>> result = retrieval_trials("hebbian", 64, 32, trials=50, seed=0)
>>> round(result.rel_err, 1)  # (N - 1) / d = 0.48
0.5
"""

from hebbian.attention.capacity import RULES, RetrievalResult, random_pairs, retrieval_trials
from hebbian.attention.layers import (
    FEATURE_MAPS,
    NORMALIZATIONS,
    HopfieldRetrieval,
    delta_rule,
    dense_attention,
    feature_dimension,
    feature_map,
    hopfield_energy,
    hopfield_retrieve,
    least_squares,
    linear_attention,
    read_memory,
    softmax,
    softmax1,
    softmax_attention,
)
from hebbian.attention.sdm import SparseDistributedMemory, intersection_counts

__all__ = [
    "FEATURE_MAPS",
    "NORMALIZATIONS",
    "RULES",
    "HopfieldRetrieval",
    "RetrievalResult",
    "SparseDistributedMemory",
    "delta_rule",
    "dense_attention",
    "feature_dimension",
    "feature_map",
    "hopfield_energy",
    "hopfield_retrieve",
    "intersection_counts",
    "least_squares",
    "linear_attention",
    "random_pairs",
    "read_memory",
    "retrieval_trials",
    "softmax",
    "softmax1",
    "softmax_attention",
]
