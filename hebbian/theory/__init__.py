"""Replica-symmetric theory: pure functions, vectorised over grids of control parameters.

Modules
-------
hopfield
    Amit-Gutfreund-Sompolinsky RS theory at extensive load ``alpha = p / N``: the RS
    solver, ``T = 0`` closed forms and the phase lines ``T_g``, ``T_M``, ``T_c``,
    ``T_AT``.
mixtures
    Low-load (``alpha = 0``) symmetric mixture states, their energies and stability.
_gauss
    The one Gaussian-average helper (kink-adapted trapezoid rule) used by every model.

Glossary (paper notation used inside the functions): ``m`` Mattis overlap, ``q``
Edwards-Anderson order parameter, ``r`` noise parameter, ``beta = 1 / T``,
``C = beta (1 - q)``, ``Dz`` standard normal measure. Energies follow the zero-diagonal
convention (they contain ``+alpha/2``).
"""

from hebbian.theory._gauss import GaussianRule, gaussian_average, kink_rule, uniform_rule
from hebbian.theory.hopfield import (
    PhaseLines,
    RSSolution,
    ZeroTemperatureRetrieval,
    almeida_thouless_lhs,
    almeida_thouless_temperature,
    critical_capacity,
    freezing_temperature,
    phase_lines,
    retrieval_spinodal_temperature,
    retrieval_transition_temperature,
    retrieval_transition_window,
    rs_free_energy,
    solve_rs,
    spin_glass_energy_zero_temperature,
    zero_temperature_retrieval,
    zero_temperature_transition_load,
)
from hebbian.theory.mixtures import (
    curie_weiss_magnetization,
    mixture_energy_zero_temperature,
    mixture_free_energy,
    mixture_hessian_eigenvalues,
    mixture_is_stable,
    mixture_overlap,
    mixture_stability_temperature,
    overlap_hessian,
)

__all__ = [
    "GaussianRule",
    "PhaseLines",
    "RSSolution",
    "ZeroTemperatureRetrieval",
    "almeida_thouless_lhs",
    "almeida_thouless_temperature",
    "critical_capacity",
    "curie_weiss_magnetization",
    "freezing_temperature",
    "gaussian_average",
    "kink_rule",
    "mixture_energy_zero_temperature",
    "mixture_free_energy",
    "mixture_hessian_eigenvalues",
    "mixture_is_stable",
    "mixture_overlap",
    "mixture_stability_temperature",
    "overlap_hessian",
    "phase_lines",
    "retrieval_spinodal_temperature",
    "retrieval_transition_temperature",
    "retrieval_transition_window",
    "rs_free_energy",
    "solve_rs",
    "spin_glass_energy_zero_temperature",
    "uniform_rule",
    "zero_temperature_retrieval",
    "zero_temperature_transition_load",
]
