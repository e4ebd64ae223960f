"""Annealing: chains carried through a decreasing sequence of temperatures.

A *schedule* is a sequence of stages ``(T, sweeps)``, each with ``T > 0``. Every stage
is one :func:`~hebbian.montecarlo.engine.simulate_batch` run at its temperature (heat
bath), started from the final spins of the stage before; the caller then runs its
measured part (typically at ``T = 0``) from the spins returned here, with the same
generators, which the stages advance in place.

Why anneal: started exactly at a stored pattern, zero-temperature dynamics of a small
dense network (``p >= 3``) stays trapped near it far above the RS capacity (the
retrieval state's basin is replaced by many nearby local minima). A few sweeps at a
temperature below the retrieval line :math:`T_M(\\alpha)` let the chains leave such
traps when no retrieval state exists, and keep them in it when one does (Gardner,
J. Phys. A 20, 3453 (1987) for the model; the protocol is the one of simulated
annealing, Kirkpatrick, Gelatt, Vecchi, Science 220, 671 (1983)).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hebbian._validation import check_int, check_real
from hebbian.montecarlo.engine import simulate_batch
from hebbian.montecarlo.options import EngineOptions

__all__ = ["anneal_batch", "linear_schedule"]


def linear_schedule(start: float, n_stages: int, sweeps: int) -> tuple[tuple[float, int], ...]:
    """Temperatures falling linearly from ``start`` towards 0, ``sweeps`` sweeps each.

    Stage ``k = 0 .. n_stages-1`` runs at :math:`T_k = T_0 (n - k)/n`, so the last stage
    is at :math:`T_0/n > 0`; a measured run at ``T = 0`` is the natural next step.

    Examples
    --------
    >>> linear_schedule(0.3, 3, 10)
    ((0.3, 10), (0.2, 10), (0.1, 10))
    """
    start = check_real("start", start, minimum=0.0)
    if not start > 0:
        raise ValueError(f"start must be > 0 (an annealing temperature), got {start:g}")
    n_stages = check_int("n_stages", n_stages, minimum=1)
    sweeps = check_int("sweeps", sweeps, minimum=1)
    return tuple(
        (float(round(start * (n_stages - k) / n_stages, 12)), sweeps) for k in range(n_stages)
    )


def anneal_batch(
    models: Sequence,
    *,
    schedule: Sequence[tuple[float, int]],
    seed: Sequence[np.random.Generator],
    initial: Sequence | None = None,
    options: EngineOptions | None = None,
) -> list[np.ndarray]:
    """Run the chains of several models through ``schedule``; return their final spins.

    Parameters
    ----------
    models : sequence of HebbianModel or CouplingModel
    schedule : sequence of (float, int)
        Stages ``(T, sweeps)`` with ``T > 0`` and ``sweeps >= 1``, run in order.
    seed : sequence of numpy.random.Generator
        One generator per model, advanced in place, so that the run that follows
        continues each model's stream.
    initial : sequence of arrays or None, optional
        Initial spins per model, as for :func:`~hebbian.montecarlo.engine.simulate_batch`.
    options : EngineOptions, optional
        ``n_chains``, ``site_order``, ``device``, ``backend`` and ``draws`` are used; each
        stage sets its own ``n_sweeps`` and measures once, at its end, with heat-bath
        dynamics.

    Returns
    -------
    list of (C, N) int8 arrays
        Each model's spins after the last stage.
    """
    if len(schedule) == 0:
        raise ValueError("an annealing schedule needs at least one stage (T, sweeps)")
    stages = []
    for T, sweeps in schedule:
        T = check_real("annealing temperature", T, minimum=0.0)
        if not T > 0:
            raise ValueError(f"annealing temperatures must be > 0, got {T:g}")
        stages.append((T, check_int("annealing sweeps", sweeps, minimum=1)))
    if not all(isinstance(g, np.random.Generator) for g in seed):
        raise TypeError("anneal_batch needs one numpy Generator per model (advanced in place)")
    options = options or EngineOptions(n_sweeps=1)
    spins = list(initial) if initial is not None else None
    for T, sweeps in stages:
        stage = options.replace(n_sweeps=sweeps, n_burn=0, measure_every=sweeps, dynamics="auto")
        out = simulate_batch(models, temperature=T, seed=list(seed), initial=spins, options=stage)
        spins = [ds.spins.values for ds in out]
    return spins
