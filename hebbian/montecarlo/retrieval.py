"""A retrieval run from its physical parameters: patterns, model, cue, dynamics, summary.

:func:`retrieval_run` is what ``hebbian simulate`` runs: store ``K = alpha N^(p-1)``
random (or diluted) patterns, cue memory 0 with a fraction of flipped sites, run the
dynamics and return the Dataset; :func:`retrieval_summary` reads off the numbers the
command prints. Everything is checked (values, sizes, memory) before any pattern is
drawn.
"""

from __future__ import annotations

import time

import numpy as np

from hebbian._validation import check_int, check_real, check_stored_seed
from hebbian.models import HebbianModel
from hebbian.montecarlo.engine import simulate
from hebbian.montecarlo.memory import check_memory, estimate_run_bytes
from hebbian.montecarlo.options import EngineOptions
from hebbian.patterns import cue, diluted_patterns, random_patterns

__all__ = ["n_memories_for_load", "retrieval_run", "retrieval_summary"]


def n_memories_for_load(n_neurons: int, alpha: float, p: int) -> int:
    """Return ``K = round(alpha N^(p-1))``, the number of memories at load ``alpha``.

    Raises
    ------
    ValueError
        When the load stores no memory, or more pattern entries than the engine
        indexes (``K N <= 2^31``).
    """
    try:
        exact = alpha * float(n_neurons) ** (p - 1)
    except OverflowError:
        exact = float("inf")
    if not exact * n_neurons <= 2**31:  # also inf
        raise ValueError(
            f"alpha = {alpha:g} at N = {n_neurons}, p = {p} stores K = alpha N^(p-1) = "
            f"{exact:.3g} memories, K N beyond the limit 2^31 pattern entries; "
            f"lower the number of neurons, alpha or p"
        )
    K = int(round(exact))
    if K < 1:
        raise ValueError(
            f"alpha = {alpha:g} stores no memory at N = {n_neurons}, p = {p} "
            f"(need alpha N^(p-1) >= 0.5)"
        )
    return K


def retrieval_run(
    n_neurons: int,
    alpha: float,
    *,
    p: int = 2,
    temperature: float = 0.0,
    cue_noise: float = 0.1,
    dilution: float = 0.0,
    seed: int | None = None,
    options: EngineOptions,
):
    """Retrieve memory 0 from noisy cues: one :func:`~hebbian.montecarlo.engine.simulate` call.

    Parameters
    ----------
    n_neurons : int
        ``N >= 2``.
    alpha : float
        Load :math:`\\alpha = K / N^{p-1} > 0` (finite).
    p : int
        Interaction order (``>= 2``; 2 is the Hopfield network).
    temperature : float
        ``T >= 0`` (finite).
    cue_noise : float
        Fraction of flipped sites of each cue, in ``[0, 1]`` (:func:`hebbian.patterns.cue`).
    dilution : float
        Fraction of blank pattern entries, in ``[0, 1)``.
    seed : int or None
        Seed of patterns, cues and dynamics; None draws one from fresh entropy, and the
        seed used is stored (attribute ``seed``), so every run can be repeated.
    options : EngineOptions
        How the dynamics runs (``n_chains`` cues).

    Returns
    -------
    xarray.Dataset
        :func:`~hebbian.montecarlo.engine.simulate`'s Dataset with the attributes
        ``cue_noise``, ``dilution``, ``cued_memory`` (0), ``seed`` and
        ``setup_time_s`` (patterns, model, cues and the engine's set-up, against
        ``wall_time_s`` for the sweeps).

    Raises
    ------
    ValueError
        A value out of range (one line naming it), a load that stores no memory, or a
        run that needs more memory than the machine has.
    """
    check_int("n_neurons", n_neurons, minimum=2)
    check_real("alpha", alpha, minimum=0.0, include_minimum=False)
    check_int("p", p, minimum=2)
    check_real("temperature", temperature, minimum=0.0)
    check_real("cue_noise", cue_noise, minimum=0.0, maximum=1.0)
    check_real("dilution", dilution, minimum=0.0, maximum=1.0, include_maximum=False)
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1, np.uint32)[0])
    check_stored_seed(seed)
    K = n_memories_for_load(n_neurons, alpha, p)
    needed = estimate_run_bytes(
        n_neurons=n_neurons,
        n_memories=K,
        n_chains=options.n_chains,
        n_sweeps=options.n_sweeps,
        measure_every=options.measure_every,
        temperature=temperature,
        dynamics=options.dynamics,
        site_order=options.site_order,
        cue_noise=cue_noise,
        dilution=dilution,
        backend=options.backend or "numba",
    )
    check_memory(needed)
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    if dilution > 0:
        xi = diluted_patterns(K, n_neurons, dilution=dilution, seed=rng)
    else:
        xi = random_patterns(K, n_neurons, seed=rng)
    model = HebbianModel(xi, p=p)
    initial = cue(model.memories[0], noise=cue_noise, n_cues=options.n_chains, seed=rng)
    drawn = time.perf_counter() - start
    ds = simulate(model, temperature=temperature, initial=initial, seed=rng, options=options)
    ds.attrs.update(
        {
            "cue_noise": cue_noise,
            "dilution": dilution,
            "cued_memory": 0,
            "seed": seed,
            "setup_time_s": drawn + float(ds.attrs["setup_time_s"]),
        }
    )
    return ds


def retrieval_summary(ds) -> dict:
    """Return the numbers of a retrieval run: sizes, final overlap and energy, times.

    Keys: ``n_neurons``, ``n_memories``, ``alpha``, ``p``, ``temperature``, ``dynamics``,
    ``device``, ``n_chains``, ``n_sweeps``, ``seed``, ``overlap`` (final overlap with the
    cued memory, mean over chains), ``overlap_per_chain``, ``energy_per_spin``,
    ``sweeps_to_convergence`` (None when a chain has not reached a fixed point),
    ``setup_time_s`` and ``run_time_s``.
    """
    final_m = ds.m.isel(time=-1, memory=int(ds.attrs.get("cued_memory", 0))).values
    to_fixed = ds.sweeps_to_fixed_point.values
    converged = bool(np.all(np.isfinite(to_fixed)))
    return {
        "n_neurons": int(ds.attrs["n_neurons"]),
        "n_memories": int(ds.attrs["n_memories"]),
        "alpha": float(ds.attrs["alpha"]),
        "p": int(ds.attrs["p"]),
        "temperature": float(ds.attrs["temperature"]),
        "dynamics": ds.attrs["dynamics"],
        "device": ds.attrs["device"],
        "n_chains": int(ds.attrs["n_chains"]),
        "n_sweeps": int(ds.attrs["n_sweeps"]),
        "seed": int(ds.attrs["seed"]),
        "overlap": float(final_m.mean()),
        "overlap_per_chain": [float(x) for x in final_m],
        "energy_per_spin": float(ds.energy.isel(time=-1).values.mean()),
        "sweeps_to_convergence": int(np.max(to_fixed)) if converged else None,
        "setup_time_s": float(ds.attrs["setup_time_s"]),
        "run_time_s": float(ds.attrs["wall_time_s"]),
    }
