"""The Monte Carlo driver: the one loop that runs chains, measures and builds Datasets.

Contract
--------
* A *sweep* visits ``N`` sites of every chain once, in the order drawn by
  :mod:`hebbian.montecarlo.draws` (sequential dynamics), or updates all sites at once
  from the previous configuration (``synchronous``).
* The state lives in :class:`~hebbian.montecarlo.chains.MarkovChains` (one model) and
  :class:`~hebbian.montecarlo.chains.ChainBatch` (several models advanced together);
  kernels come from the backends of :mod:`hebbian.montecarlo.chains`.
* :func:`simulate_batch` is the only driver loop: burn-in, measurement cadence,
  statistics, and one :class:`xarray.Dataset` with provenance per model. Every model
  draws from its own generator, so its Dataset is the one :func:`simulate` gives it
  alone, whatever else is in the batch. Engines never decide when to measure.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hebbian._validation import as_generator, check_real
from hebbian.models import CouplingModel, HebbianModel
from hebbian.montecarlo.backends import backend_device, blocked_backend_names, choose_backend
from hebbian.montecarlo.chains import ChainBatch, MarkovChains
from hebbian.montecarlo.draws import device_generator, draw_sweep, random_spins
from hebbian.montecarlo.dynamics import DYNAMICS, ENERGY_FREE, SYNCHRONOUS, resolve_dynamics
from hebbian.montecarlo.options import DRAWS, EngineOptions
from hebbian.observables import edwards_anderson_overlaps

__all__ = [
    "DRAWS",
    "EngineOptions",
    "MarkovChains",
    "simulate",
    "simulate_batch",
]

#: Largest number of recorded overlap values (time x chains x memories) per run.
MAX_RECORDED_VALUES = 2**27


@dataclass(frozen=True)
class _Trace:
    time: np.ndarray
    m: np.ndarray
    energy: np.ndarray
    q: np.ndarray
    flips: np.ndarray


def simulate(
    model: HebbianModel | CouplingModel,
    *,
    temperature: float,
    initial: np.ndarray | None = None,
    seed: int | np.random.Generator | None = None,
    options: EngineOptions | None = None,
    **settings,
):
    """Run Monte Carlo chains of a model and measure overlaps, energy and q.

    Parameters
    ----------
    model : HebbianModel or CouplingModel
    temperature : float
        ``T >= 0``; :math:`\\beta = 1/T`.
    initial : (C, N) or (N,) array of {-1, +1}, optional
        Initial spins (default: independent uniform random configurations).
    seed : int, Generator or None
        Seeds every draw of the run (:mod:`hebbian.montecarlo.draws`).
    options : EngineOptions, optional
        How the run is carried out (:class:`~hebbian.montecarlo.options.EngineOptions`:
        ``n_sweeps``, ``n_burn``, ``n_chains``, ``dynamics``, ``site_order``,
        ``measure_every``, ``device``, ``backend``, ``draws``).
    **settings
        Fields of :class:`~hebbian.montecarlo.options.EngineOptions` given as keywords
        (``simulate(model, temperature=0, n_sweeps=5)``), applied over ``options``.

    Notes
    -----
    ``device="auto"`` (the default) runs on the GPU when CuPy sees a device and the GPU
    engine can run this model and order exactly (equal weights, order ``"shared"`` or
    ``"fixed"``), else on the CPU (:mod:`hebbian.device`). Identical draws are designed
    to give identical chains on both (up to CUDA's last-bit ``exp``; see
    :mod:`hebbian.montecarlo.blocked`).

    Returns
    -------
    xarray.Dataset
        Traces ``m`` (time, chain, memory), ``energy`` (time, chain), ``q``
        (time, pair), ``flips`` (sweep, chain); final ``spins`` (chain, neuron);
        ``sweeps_to_fixed_point`` (chain); estimates ``<x>_mean``, ``<x>_stderr``,
        ``<x>_tau`` for ``m``, ``m2``, ``abs_m`` (memory), ``energy`` and ``q``
        (pooled over chains, Sokal errors, :mod:`hebbian.montecarlo.stats`); attributes
        with every parameter, seed, version, backend and wall time.

    Examples
    --------
    >>> from hebbian import HebbianModel, random_patterns, simulate
    >>> model = HebbianModel(random_patterns(3, 50, seed=1))
    >>> ds = simulate(model, temperature=0, n_sweeps=5, initial=model.memories[0], seed=2)
    >>> float(ds.m.isel(time=-1, chain=0, memory=0))
    1.0
    """
    return simulate_batch(
        [model],
        temperature=temperature,
        seed=[seed],
        initial=None if initial is None else [initial],
        options=EngineOptions.from_settings(options, **settings),
    )[0]


def simulate_batch(
    models: Sequence[HebbianModel | CouplingModel],
    *,
    temperature: float | Sequence[float],
    seed: Sequence | None = None,
    initial: Sequence | None = None,
    options: EngineOptions | None = None,
    **settings,
) -> list:
    """Run the chains of several models together; one Dataset per model.

    Dataset ``i`` is the one ``simulate(models[i], temperature=temperature[i],
    seed=seed[i], initial=initial[i], ...)`` returns (up to its wall time and the
    ``batch_members`` attribute): each model draws from its own generator. On the GPU
    (and the ``"blocked"`` backend) the models of one size, order and dynamics share
    every matrix product of a sweep, which is how many small runs fill a GPU.

    Parameters
    ----------
    models : sequence of HebbianModel or CouplingModel
    temperature : float or sequence of float
        One temperature for all, or one per model.
    seed : sequence of (int, Generator or None), optional
        One seed per model (default: fresh entropy for each).
    initial : sequence of (arrays or None), optional
        Initial spins per model, as for :func:`simulate`.
    options : EngineOptions, optional
    **settings
        As for :func:`simulate`, common to all models.

    Returns
    -------
    list of xarray.Dataset
        ``wall_time_s`` is the time of the sweeps of the batch that ran the model,
        ``setup_time_s`` that of its set-up (kernel arrays, exact overlap sums).
    """
    options = EngineOptions.from_settings(options, **settings)
    n_sweeps, n_burn, C, every = (
        options.n_sweeps,
        options.n_burn,
        options.n_chains,
        options.measure_every,
    )
    dynamics, site_order, draws = options.dynamics, options.site_order, options.draws
    models = list(models)
    D = len(models)
    if D == 0:
        raise ValueError("simulate_batch needs at least one model")
    temps = [temperature] * D if np.ndim(temperature) == 0 else list(temperature)
    for name, value in (("seed", seed), ("initial", initial)):
        if value is not None and not isinstance(value, (list, tuple)):
            raise TypeError(
                f"{name} must be a list with one entry per model ({D}), got {type(value).__name__}"
            )
    seeds = [None] * D if seed is None else list(seed)
    initials = [None] * D if initial is None else list(initial)
    generators = [id(s) for s in seeds if isinstance(s, np.random.Generator)]
    if len(generators) != len(set(generators)):
        raise ValueError("each model needs its own seed; the same Generator was given twice")
    for name, values in (("temperature", temps), ("seed", seeds), ("initial", initials)):
        if len(values) != D:
            raise ValueError(f"{name} needs one entry per model ({D}), got {len(values)}")
    temps = [check_real("temperature", T, minimum=0.0) for T in temps]
    names = [resolve_dynamics(dynamics, T) for T in temps]
    for model, name in zip(models, names):
        if isinstance(model, CouplingModel) and not model.symmetric and name not in ENERGY_FREE:
            raise ValueError(
                f"dynamics {name!r} needs symmetric couplings (it samples exp(-E/T)); a "
                f"CouplingModel with symmetric=False runs only {' and '.join(ENERGY_FREE)} "
                f"dynamics (temperature 0, or dynamics='synchronous')"
            )
    for model in models:
        n_meas = n_sweeps // every
        if n_meas * C * max(model.n_memories, 1) > MAX_RECORDED_VALUES:
            raise ValueError(
                f"recording {n_meas} x {C} x {model.n_memories} overlaps exceeds the limit "
                f"of {MAX_RECORDED_VALUES}; raise measure_every or use fewer chains"
            )
    groups: dict[tuple, list[int]] = {}
    for i, (model, T, name) in enumerate(zip(models, temps, names)):
        key = (name, T == 0, type(model).__name__, model.n_neurons, getattr(model, "p", 0))
        groups.setdefault(key, []).append(i)
    for i, model in enumerate(models):
        if initials[i] is not None:
            _check_initial(initials[i], C, model.n_neurons)
    plans = []
    for members in groups.values():  # every check before any sweep runs
        chosen = choose_backend(
            [models[i] for i in members],
            device=options.device,
            backend=options.backend,
            dynamics=names[members[0]],
            site_order=site_order,
        )
        if draws == "device" and chosen not in blocked_backend_names():
            raise ValueError(
                f"draws='device' needs a blocked backend "
                f"({', '.join(map(repr, blocked_backend_names()))}), and this run would use "
                f"{chosen!r}; use draws='host'"
            )
        plans.append((members, chosen))
    results: list = [None] * D
    for members, chosen in plans:
        rngs = [as_generator(seeds[i]) for i in members]
        starts = [
            _initial_spins(initials[i], rng, C, models[i].n_neurons)
            for i, rng in zip(members, rngs)
        ]
        setup_start = time.perf_counter()
        batch = ChainBatch([models[i] for i in members], starts, backend=chosen)
        start = time.perf_counter()
        setup = start - setup_start
        traces = _run(
            batch,
            rngs,
            temperatures=[temps[i] for i in members],
            dynamics=DYNAMICS[names[members[0]]],
            site_order=site_order,
            n_burn=n_burn,
            n_sweeps=n_sweeps,
            every=every,
            draws=draws,
        )
        wall = time.perf_counter() - start
        from hebbian.montecarlo.results import build_dataset

        for i, chains, trace in zip(members, batch.members, traces):
            settings = {
                "temperature": temps[i],
                "dynamics": names[i],
                "site_order": site_order,
                "n_sweeps": n_sweeps,
                "n_burn": n_burn,
                "n_chains": C,
                "measure_every": every,
                "backend": chosen,
                "device": backend_device(chosen),
                "draws": draws,
                "batch_members": len(members),
                "seed": _seed_attribute(seeds[i]),
                "setup_time_s": setup,
                "wall_time_s": wall,
            }
            results[i] = build_dataset(
                chains, trace, model_attrs=models[i].describe(), settings=settings
            )
    return results


def _seed_attribute(seed):
    if isinstance(seed, numbers.Integral):
        return int(seed)
    return "none" if seed is None else "generator"


def _check_initial(initial, C: int, N: int) -> None:
    shape = np.shape(initial)
    if shape not in ((N,), (C, N)):
        raise ValueError(f"initial spins must have shape ({C}, {N}) or ({N},), got {shape}")


def _initial_spins(initial, rng, C: int, N: int) -> np.ndarray:
    if initial is None:
        return random_spins(rng, C, N)
    if np.ndim(initial) == 1:
        return np.broadcast_to(np.asarray(initial), (C, N))
    return initial


def _run(
    batch: ChainBatch, rngs, *, temperatures, dynamics, site_order, n_burn, n_sweeps, every, draws
):
    """Sweep every member of ``batch``, each with its generator; one trace per member.

    With ``draws="device"`` each member's update uniforms come from a generator of the
    batch's array module, seeded once from the member's generator; the site orders are
    drawn on the host as always (``N`` numbers a sweep).
    """
    D = len(rngs)
    C, N = batch.members[0].spins.shape
    betas = [np.inf if T == 0 else 1.0 / T for T in temperatures]
    needs_uniforms = temperatures[0] > 0  # the members of a batch agree (grouped)
    on_device = draws == "device"
    if on_device:
        xp = batch.array_module
        device_rngs = [device_generator(rng, xp) for rng in rngs]
    order_kind = "fixed" if dynamics == SYNCHRONOUS else site_order
    fixed = (
        np.broadcast_to(np.arange(N, dtype=np.int32), (C, N)) if order_kind == "fixed" else None
    )
    total = n_burn + n_sweeps
    flips = np.zeros((total, D, C), dtype=np.int64)
    times = []
    ms, energies, qs = ([[] for _ in range(D)] for _ in range(3))
    for sweep in range(1, total + 1):
        draws = [
            draw_sweep(
                rng,
                n_chains=C,
                n_neurons=N,
                site_order=order_kind,
                needs_uniforms=needs_uniforms and not on_device,
                fixed_order=fixed,
            )
            for rng in rngs
        ]
        uniforms = [d.uniforms for d in draws]
        if on_device and needs_uniforms:
            uniforms = [g.random((C, N)) for g in device_rngs]
        flips[sweep - 1] = batch.sweep(
            betas=betas, dynamics=dynamics, uniforms=uniforms, orders=[d.order for d in draws]
        )
        if sweep > n_burn and (sweep - n_burn) % every == 0:
            times.append(sweep)
            for i, (m, energy, spins) in enumerate(batch.measure()):
                ms[i].append(m)
                energies[i].append(energy)
                qs[i].append(edwards_anderson_overlaps(spins))
    traces = []
    for i, chains in enumerate(batch.members):
        K = chains.overlaps().shape[1]
        traces.append(
            _Trace(
                time=np.asarray(times, dtype=np.int64),
                m=np.asarray(ms[i], dtype=np.float64).reshape(len(times), C, K),
                energy=np.asarray(energies[i], dtype=np.float64).reshape(len(times), C),
                q=np.asarray(qs[i], dtype=np.float64).reshape(len(times), C * (C - 1) // 2),
                flips=flips[:, i].copy(),
            )
        )
    return traces
