"""A learning run from its physical parameters: patterns, rule, couplings, measures.

:func:`learning_run` is what ``hebbian learn`` runs: draw ``K`` random patterns of ``N``
neurons, learn them with one rule, and return a Dataset with the couplings, the
patterns and their stabilities; :func:`learning_summary` reads off the numbers the
command prints. Every value is checked before any pattern is drawn.
"""

from __future__ import annotations

import time

import numpy as np
import xarray as xr

from hebbian._validation import (
    as_generator,
    check_choice,
    check_int,
    check_real,
    check_stored_seed,
)
from hebbian._version import __version__
from hebbian.learning.measures import fixed_point_fraction, stabilities
from hebbian.learning.registry import ITERATIVE_RULES, KAPPA_RULES, RULES, learn
from hebbian.patterns import random_patterns

__all__ = ["MAX_LEARNING_ENTRIES", "MAX_LEARNING_NEURONS", "learning_run", "learning_summary"]

#: Largest ``N`` of a learning run: the couplings are a dense (N, N) float64 matrix
#: (0.8 GB at this size).
MAX_LEARNING_NEURONS = 10_000

#: Largest number of pattern entries ``K N`` of a learning run (256 MB of int8).
MAX_LEARNING_ENTRIES = 2**28

#: Largest margin accepted (normalized stability; Gardner's alpha_c(10) = 0.0098).
_MAX_KAPPA = 10.0


def learning_run(
    rule: str,
    n_neurons: int,
    n_memories: int,
    *,
    kappa: float | None = None,
    self_coupling: bool = False,
    max_sweeps: int | None = None,
    seed: int | None = None,
) -> xr.Dataset:
    """Learn ``K`` random patterns of ``N`` neurons with one rule (module docstring).

    Parameters
    ----------
    rule : str
        A name of :data:`hebbian.learning.registry.RULES`.
    n_neurons : int
        ``N`` in ``[2, MAX_LEARNING_NEURONS]``.
    n_memories : int
        ``K >= 1``, with ``K N <= MAX_LEARNING_ENTRIES`` (the pseudo-inverse needs
        ``K <= N``).
    kappa : float, optional
        The margin of the rules that take one (``gardner``), in ``[0, 10]``.
    self_coupling : bool
        Keep the rule's diagonal (``True``) or set it to zero.
    max_sweeps : int, optional
        The budget of the iterative (perceptron-type) rules, in sweeps over the
        patterns (default: the rule's own); refused by the other rules.
    seed : int or None
        Seeds the patterns; drawn (and stored) when None.

    Returns
    -------
    xarray.Dataset
        ``couplings`` (neuron, input), ``patterns`` (memory, neuron), ``stability``
        (memory, neuron): :math:`\\xi_i^\\mu h_i^\\mu / \\lVert J_i\\rVert`
        (:func:`hebbian.learning.measures.stabilities`); attributes ``rule``,
        ``n_neurons``, ``n_memories``, ``kappa`` (``"none"`` when the rule takes none),
        ``self_coupling``, ``symmetric``, ``fixed_point_fraction``, ``min_stability``,
        ``converged`` (the fraction of neurons whose rule met its stopping condition
        within the budget; ``"none"`` for the rules computed in one pass), ``seed``,
        ``seconds`` (the rule's wall time) and ``hebbian_version``.
    """
    name = check_choice("rule", rule, tuple(RULES))
    N = check_int("n_neurons", n_neurons, minimum=2, maximum=MAX_LEARNING_NEURONS)
    K = check_int("n_memories", n_memories, minimum=1, maximum=MAX_LEARNING_ENTRIES // N)
    if kappa is not None:
        kappa = check_real("kappa", kappa, minimum=0.0, maximum=_MAX_KAPPA)
    if kappa is not None and name not in KAPPA_RULES:
        raise ValueError(
            f"kappa is a parameter of {', '.join(sorted(KAPPA_RULES))} only, not of {name!r}"
        )
    iterative = name in ITERATIVE_RULES
    options = {}
    if max_sweeps is not None:
        if not iterative:
            raise ValueError(
                f"max_sweeps is a parameter of the iterative rules "
                f"({', '.join(r for r in RULES if r in ITERATIVE_RULES)}), not of {name!r}"
            )
        options["max_sweeps"] = check_int("max_sweeps", max_sweeps, minimum=1, maximum=10**6)
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    seed = check_stored_seed(seed)
    patterns = random_patterns(K, N, seed=as_generator(seed))
    start = time.perf_counter()
    converged = "none"
    if iterative:
        if kappa is not None:
            options["kappa"] = kappa
        result = RULES[name](patterns, self_coupling=self_coupling, full_output=True, **options)
        model, converged = result.model, float(np.mean(result.converged))
    else:
        model = learn(name, patterns, self_coupling=self_coupling, kappa=kappa)
    seconds = time.perf_counter() - start
    gamma = stabilities(model, patterns)
    dims = {"neuron": np.arange(N), "input": np.arange(N), "memory": np.arange(K)}
    ds = xr.Dataset(
        {
            "couplings": (
                ("neuron", "input"),
                model.couplings,
                {"long_name": "coupling $J_{ij}$ into neuron i from input j", "units": "1"},
            ),
            "patterns": (("memory", "neuron"), patterns, {"long_name": "stored patterns"}),
            "stability": (
                ("memory", "neuron"),
                gamma,
                {"long_name": r"stability $\xi_i h_i / \|J_i\|$", "units": "1"},
            ),
        },
        coords=dims,
    )
    ds.attrs.update(
        {
            "rule": name,
            "n_neurons": N,
            "n_memories": K,
            "kappa": "none" if kappa is None else float(kappa),
            "self_coupling": int(bool(self_coupling)),
            "symmetric": int(bool(model.symmetric)),
            "fixed_point_fraction": float(fixed_point_fraction(model, patterns)),
            "min_stability": float(np.nanmin(gamma)),
            "converged": converged,
            "seed": seed,
            "seconds": seconds,
            "hebbian_version": __version__,
        }
    )
    return ds


def learning_summary(ds: xr.Dataset) -> dict:
    """Return the numbers ``hebbian learn`` prints, as plain Python values.

    Keys: ``rule``, ``neurons``, ``memories``, ``kappa`` (None when the rule takes
    none), ``self_coupling``, ``fixed_point_fraction``, ``min_stability``,
    ``symmetric``, ``converged`` (None for the one-pass rules), ``seed`` and ``seconds``.
    """
    a = ds.attrs
    return {
        "rule": a["rule"],
        "neurons": int(a["n_neurons"]),
        "memories": int(a["n_memories"]),
        "kappa": None if a["kappa"] == "none" else float(a["kappa"]),
        "self_coupling": bool(a["self_coupling"]),
        "fixed_point_fraction": float(a["fixed_point_fraction"]),
        "min_stability": float(a["min_stability"]),
        "symmetric": bool(a["symmetric"]),
        "converged": None if a["converged"] == "none" else float(a["converged"]),
        "seed": int(a["seed"]),
        "seconds": float(a["seconds"]),
    }
