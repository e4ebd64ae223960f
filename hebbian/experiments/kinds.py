"""Import the built-in experiment kinds (each module registers itself)."""

from hebbian.experiments import capacity, mixtures, phase_diagram  # noqa: F401
