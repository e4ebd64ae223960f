"""hebbian: statistical mechanics of associative memories.

Monte Carlo engines, replica-symmetric theory and reproducible experiments for Hopfield,
dense (p-body) Hebbian and multitasking networks, the learning rules that set explicit
couplings (:mod:`hebbian.learning`, with Gardner's optimal storage in
:mod:`hebbian.theory.gardner`), and vector symbolic architectures with resonator networks
(:mod:`hebbian.vsa`, with their capacity theory in :mod:`hebbian.theory.vsa`), and
attention layers beside them (:mod:`hebbian.attention`, with
:mod:`hebbian.theory.attention`).

Glossary (paper notation used inside functions): ``N`` neurons, ``K`` memories
:math:`\\xi_k \\in \\{-1, 0, +1\\}^N`, interaction order ``p``, load
:math:`\\alpha = K / N^{p-1}`, Mattis overlaps :math:`m_k = \\frac1N \\sum_i \\xi_{ki}\\sigma_i`,
temperature ``T`` and :math:`\\beta = 1/T`.

Importing the package imports NumPy only; Numba, xarray and CuPy load on first use.
"""

import hebbian.gpu  # noqa: F401  (registers the GPU backend; CuPy loads on first use)
from hebbian._version import __version__
from hebbian.models import CouplingModel, HebbianModel
from hebbian.montecarlo.engine import MarkovChains, simulate, simulate_batch
from hebbian.montecarlo.exact import exact_averages
from hebbian.montecarlo.options import EngineOptions
from hebbian.patterns import cue, diluted_patterns, noisy_examples, random_patterns

__all__ = [
    "CouplingModel",
    "EngineOptions",
    "HebbianModel",
    "MarkovChains",
    "__version__",
    "cue",
    "diluted_patterns",
    "exact_averages",
    "noisy_examples",
    "random_patterns",
    "simulate",
    "simulate_batch",
]
