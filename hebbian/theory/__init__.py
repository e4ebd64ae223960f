"""Replica-symmetric (RS) theory: pure functions, vectorised over grids of control parameters.

Vocabulary (as in the rest of :mod:`hebbian`): ``K`` the number of stored patterns
(memories), ``p`` the interaction order (``p = 2`` for the Hopfield model, ``p >= 3`` for
the dense models), ``N`` the number of neurons and ``alpha`` the load (``K / N^(p-1)``).

Modules
-------
_core
    The shared solver core, free of any model: argument checks (finite inputs, allowed
    ranges, one-line ``ValueError``), output shapes, the damped Newton iteration over a
    batch of points with a per-point status and a trust region, the bracketing root
    finder, golden-section search, a small Newton solver for folds, ``ln 2cosh``.
    Its module docstring is the contract a family module fulfils to use it.
_gauss
    The Gaussian rules: the one Gaussian-average helper (kink-adapted trapezoid rule)
    used by every family.
hopfield
    Amit-Gutfreund-Sompolinsky RS theory at extensive load ``alpha = K / N``: the RS
    equations and their solver (:func:`solve_hopfield`), the free energy, the
    de Almeida-Thouless stability function and the ``T = 0`` closed forms.
hopfield_lines
    The phase lines of the Hopfield model built on it: ``T_g``, ``T_M``, ``T_c`` (with
    its re-entrant window), ``T_AT`` and :func:`phase_lines`.
mixtures
    Low-load (finite ``K``, ``alpha = 0``) symmetric mixture states, their energies
    and stability.
multitasking
    Low-load theory of diluted patterns (multitasking networks): exact ``3^K``
    averages, pure, mixture, parallel and hierarchical states, their stability, the
    ``(d, T)`` phase diagram and the learning version.
dense
    The p-spin Hopfield model (``K = alpha N^(p-1)``, distinct indices): RS branches
    at any ``T``, the ``T = 0`` closed form, ``alpha_c(p)``, the retrieval window
    ``T_low(alpha) < T < T_M(alpha)`` (re-entrant above ``alpha_c``), the Krotov-Hopfield
    exact-recall estimate; ``p = 2`` hands over to
    ``hopfield``.
dense_learning
    Dense networks trained on examples of archetypes: supervised and unsupervised at
    low load (Gaussian or exact binomial example means), supervised at high load,
    ``alpha_c(rho)`` and the dataset size for a target overlap.
gardner
    Optimal storage: Gardner's ``alpha_c(kappa, m)`` for unbiased and biased patterns,
    the optimal stability at a load, and the reference capacities of the learning rules
    (McEliece, Storkey, pseudo-inverse, binary couplings).
vsa
    Vector symbolic architectures: the winner-take-all readout accuracy of Frady,
    Kleyko and Sommer, bundle SNR and capacity for MAP-I, MAP-B, BSC, HRR and FHRR,
    Bloom filters and the dimension sufficient for set membership.

A new family adds one module on the core and the Gaussian rules, next to these:
a family's lines, if it has many, go to a ``<family>_lines.py`` module as for the
Hopfield model.

Glossary (paper notation used inside the functions): ``m`` Mattis overlap, ``q``
Edwards-Anderson order parameter, ``r`` noise parameter, ``beta = 1 / T``,
``C = beta (1 - q)``, ``Dz`` standard normal measure. Energies follow the zero-diagonal
convention (they contain ``+alpha/2``).
"""

from hebbian.theory._gauss import GaussianRule, gaussian_average, kink_rule, uniform_rule
from hebbian.theory.dense import (
    DenseCapacity,
    DenseSolution,
    DenseZeroTemperature,
    dense_critical_capacity,
    dense_free_energy,
    dense_retrieval_temperature,
    dense_retrieval_window,
    dense_zero_temperature_retrieval,
    krotov_hopfield_capacity,
    solve_dense,
)
from hebbian.theory.dense_learning import (
    DenseLearningSolution,
    archetype_estimate_overlap,
    dataset_entropy,
    dense_learning_capacity,
    example_quality,
    examples_needed,
    solve_dense_learning,
)
from hebbian.theory.gardner import (
    BINARY_COUPLINGS_CAPACITY,
    PSEUDO_INVERSE_CAPACITY,
    PSEUDO_INVERSE_SPIN_GLASS_LOAD,
    gardner_capacity,
    mceliece_capacity,
    optimal_stability,
    projection_one_flip_overlap,
    storkey_capacity,
)
from hebbian.theory.hopfield import (
    HopfieldSolution,
    ZeroTemperatureRetrieval,
    almeida_thouless_lhs,
    critical_capacity,
    hopfield_free_energy,
    solve_hopfield,
    spin_glass_energy_zero_temperature,
    zero_temperature_retrieval,
)
from hebbian.theory.hopfield_lines import (
    PhaseLines,
    almeida_thouless_temperature,
    freezing_temperature,
    phase_lines,
    retrieval_spinodal_temperature,
    retrieval_transition_temperature,
    retrieval_transition_window,
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
from hebbian.theory.multitasking import (
    LearningState,
    MultitaskingPhaseDiagram,
    MultitaskingState,
    cascade_misaligned_fraction,
    cascade_overlaps,
    classify_overlaps,
    critical_temperature,
    hierarchical_energy_zero_temperature,
    hierarchical_is_fixed_point,
    hierarchical_state,
    hierarchical_threshold_dilution,
    multitasking_free_energy,
    multitasking_hessian,
    multitasking_hessian_eigenvalues,
    multitasking_map,
    multitasking_phase_diagram,
    multitasking_states,
    parallel_onset_temperature,
    parallel_stability_intervals,
    parallel_state,
    parallel_threshold_dilution,
    pure_state,
    solve_multitasking,
    solve_multitasking_learning,
    symmetric_mixture_energy_zero_temperature,
    symmetric_mixture_state,
)
from hebbian.theory.vsa import (
    SEQUENCE_MODELS,
    VSA_MODELS,
    bloom_dimension,
    bloom_false_positive_rate,
    bloom_optimal_false_positive_rate,
    bloom_optimal_hashes,
    bundle_accuracy,
    bundle_capacity,
    bundle_capacity_estimate,
    bundle_moments,
    bundle_snr,
    membership_dimension,
    membership_dimension_gaussian,
    sequence_accuracy,
    wta_accuracy,
    wta_accuracy_general,
)

__all__ = [
    "BINARY_COUPLINGS_CAPACITY",
    "SEQUENCE_MODELS",
    "PSEUDO_INVERSE_CAPACITY",
    "PSEUDO_INVERSE_SPIN_GLASS_LOAD",
    "gardner_capacity",
    "mceliece_capacity",
    "optimal_stability",
    "projection_one_flip_overlap",
    "storkey_capacity",
    "archetype_estimate_overlap",
    "DenseCapacity",
    "DenseLearningSolution",
    "DenseSolution",
    "DenseZeroTemperature",
    "GaussianRule",
    "HopfieldSolution",
    "LearningState",
    "MultitaskingPhaseDiagram",
    "MultitaskingState",
    "PhaseLines",
    "VSA_MODELS",
    "ZeroTemperatureRetrieval",
    "almeida_thouless_lhs",
    "almeida_thouless_temperature",
    "bloom_dimension",
    "bloom_false_positive_rate",
    "bloom_optimal_false_positive_rate",
    "bloom_optimal_hashes",
    "bundle_accuracy",
    "bundle_capacity",
    "bundle_capacity_estimate",
    "bundle_moments",
    "bundle_snr",
    "sequence_accuracy",
    "cascade_misaligned_fraction",
    "cascade_overlaps",
    "classify_overlaps",
    "critical_capacity",
    "critical_temperature",
    "curie_weiss_magnetization",
    "dataset_entropy",
    "dense_critical_capacity",
    "dense_free_energy",
    "dense_learning_capacity",
    "dense_retrieval_temperature",
    "dense_retrieval_window",
    "dense_zero_temperature_retrieval",
    "example_quality",
    "examples_needed",
    "freezing_temperature",
    "gaussian_average",
    "hierarchical_energy_zero_temperature",
    "hierarchical_is_fixed_point",
    "hierarchical_state",
    "hierarchical_threshold_dilution",
    "hopfield_free_energy",
    "kink_rule",
    "krotov_hopfield_capacity",
    "membership_dimension",
    "membership_dimension_gaussian",
    "mixture_energy_zero_temperature",
    "mixture_free_energy",
    "mixture_hessian_eigenvalues",
    "mixture_is_stable",
    "mixture_overlap",
    "mixture_stability_temperature",
    "multitasking_free_energy",
    "multitasking_hessian",
    "multitasking_hessian_eigenvalues",
    "multitasking_map",
    "multitasking_phase_diagram",
    "multitasking_states",
    "overlap_hessian",
    "parallel_onset_temperature",
    "parallel_stability_intervals",
    "parallel_state",
    "parallel_threshold_dilution",
    "phase_lines",
    "pure_state",
    "retrieval_spinodal_temperature",
    "retrieval_transition_temperature",
    "retrieval_transition_window",
    "solve_dense",
    "solve_dense_learning",
    "solve_hopfield",
    "solve_multitasking",
    "solve_multitasking_learning",
    "spin_glass_energy_zero_temperature",
    "symmetric_mixture_energy_zero_temperature",
    "symmetric_mixture_state",
    "uniform_rule",
    "wta_accuracy",
    "wta_accuracy_general",
    "zero_temperature_retrieval",
    "zero_temperature_transition_load",
]
