"""The Monte Carlo engine: chains of one model on one backend, and the one driver loop.

Contract
--------
* A *sweep* visits ``N`` sites of every chain once, in the order drawn by
  :mod:`hebbian.montecarlo.draws` (sequential dynamics), or updates all sites at once
  from the previous configuration (``synchronous``).
* :class:`MarkovChains` owns the state: ``spins`` (C, N) int8 and, for a
  :class:`~hebbian.models.HebbianModel`, the exact integer overlap sums ``sums``
  (C, K), both updated in place by :meth:`MarkovChains.sweep`.
* Kernels come from a backend module with the same functions and signatures as
  :mod:`hebbian.montecarlo.reference` (the oracle); ``"numba"`` is the fast CPU backend.
* :func:`simulate` is the only driver loop: burn-in, measurement cadence, statistics,
  and an :class:`xarray.Dataset` with provenance. Engines never decide when to measure.
"""

from __future__ import annotations

import importlib
import numbers
import time
from dataclasses import dataclass

import numpy as np

from hebbian._validation import as_generator, check_int, check_real
from hebbian.models import CouplingModel, HebbianModel
from hebbian.montecarlo.arrays import initial_sums, prepare
from hebbian.montecarlo.draws import SITE_ORDERS, draw_sweep, random_spins
from hebbian.montecarlo.dynamics import DYNAMICS, SYNCHRONOUS, resolve_dynamics
from hebbian.observables import (
    coupling_energy,
    edwards_anderson_overlaps,
    hebbian_energy,
    overlap_sums,
)

__all__ = ["BACKENDS", "BLOCKED_BACKENDS", "MarkovChains", "choose_backend", "simulate"]

#: Backend name -> module with the kernel functions (imported on first use).
BACKENDS = {
    "numba": "hebbian.montecarlo.numba_kernels",
    "reference": "hebbian.montecarlo.reference",
    "blocked": "hebbian.gpu.blocked",
    "cupy": "hebbian.gpu.cupy_kernels",
}

#: Backends that run the blocked scheme of :mod:`hebbian.gpu.blocked` (Hebbian models
#: with equal weights, one site order shared by the chains).
BLOCKED_BACKENDS = ("blocked", "cupy")

#: Largest number of recorded overlap values (time x chains x memories) per run.
MAX_RECORDED_VALUES = 2**27


def _same(array):
    return array


def _kernels(backend: str):
    if backend not in BACKENDS:
        raise ValueError(
            f"backend must be one of {', '.join(map(repr, BACKENDS))}, got {backend!r}"
        )
    return importlib.import_module(BACKENDS[backend])


class MarkovChains:
    """``C`` Markov chains of one model that share its disorder.

    Parameters
    ----------
    model : HebbianModel or CouplingModel
    spins : (C, N) or (N,) array of {-1, +1}
        Initial configurations (copied).
    backend : {"numba", "reference", "blocked", "cupy"}
        Kernels (:data:`BACKENDS`); ``"cupy"`` keeps ``spins`` and ``sums`` on the GPU.

    Attributes
    ----------
    spins : (C, N) array of int8
        On the backend's device (:meth:`host_spins` copies them to NumPy).
    sums : (C, K) array of int, or None
        Exact overlap sums :math:`M_k = \\sum_i \\xi_{ki}\\sigma_i` (Hebbian models): a
        view of the kernels' padded (C, K_pad) array.
    """

    def __init__(
        self, model: HebbianModel | CouplingModel, spins: np.ndarray, *, backend: str = "numba"
    ):
        if not isinstance(model, (HebbianModel, CouplingModel)):
            raise TypeError(
                f"model must be a HebbianModel or CouplingModel, got {type(model).__name__}"
            )
        self.model = model
        self.backend = backend
        self._kernels = _kernels(backend)
        s = np.array(spins, dtype=np.int8, ndmin=2, copy=True, order="C")
        N = model.n_neurons
        if s.ndim != 2 or s.shape[1] != N:
            raise ValueError(
                f"initial spins must have shape (C, {N}) or ({N},), got {np.shape(spins)}"
            )
        if not np.all(np.abs(s) == 1):
            raise ValueError("initial spins must be in {-1, +1}")
        k = self._kernels
        if backend in BLOCKED_BACKENDS and not isinstance(model, HebbianModel):
            raise ValueError(
                f"backend {backend!r} runs Hebbian models only; use 'numba' for a CouplingModel"
            )
        self.spins = getattr(k, "place", _same)(s)
        if isinstance(model, HebbianModel):
            self._arrays = getattr(k, "prepare_hebbian", prepare)(model)
            host_sums = initial_sums(prepare(model), s)
            self._padded_sums = getattr(k, "place", _same)(host_sums)
            self.sums = self._padded_sums[:, : model.n_memories]
        else:
            self._arrays = None
            self._padded_sums = self.sums = None

    @property
    def n_chains(self) -> int:
        """Number of chains ``C``."""
        return int(self.spins.shape[0])

    def sweep(
        self, *, beta: float, dynamics: int, uniforms: np.ndarray, order: np.ndarray
    ) -> np.ndarray:
        """Advance every chain by one sweep; return the flips per chain, (C,) int64."""
        k = self._kernels
        if self._arrays is not None:
            if dynamics == SYNCHRONOUS:
                return k.hebbian_synchronous(
                    self.spins, self._padded_sums, self._arrays, beta, uniforms
                )
            return k.hebbian_sweep(
                self.spins, self._padded_sums, self._arrays, beta, dynamics, order, uniforms
            )
        J = self.model.couplings
        if dynamics == SYNCHRONOUS:
            return k.coupling_synchronous(self.spins, J, beta, uniforms)
        return k.coupling_sweep(self.spins, J, beta, dynamics, order, uniforms)

    def host_array(self, array) -> np.ndarray:
        """``array`` of this backend as a NumPy array (a copy for device backends)."""
        return getattr(self._kernels, "to_host", _same)(array)

    def host_spins(self) -> np.ndarray:
        """Return the spins as a NumPy array, (C, N) int8 (a copy for device backends)."""
        return self.host_array(self.spins)

    def host_sums(self) -> np.ndarray | None:
        """Return the overlap sums as a NumPy array, (C, K) (a copy for device backends)."""
        if self.sums is None:
            return None
        return self.host_array(self.sums)

    def overlaps(self) -> np.ndarray:
        """Mattis overlaps :math:`m_k = M_k / N`, (C, K) float64 (K = 0 without memories)."""
        N = self.model.n_neurons
        if self.sums is not None:
            return self.host_sums() / N
        if self.model.memories is None:
            return np.zeros((self.n_chains, 0))
        return overlap_sums(self.spins, self.model.memories) / N

    def energy(self) -> np.ndarray:
        """Energy per spin of every chain, (C,) float64 (:mod:`hebbian.observables`)."""
        m = self.model
        if self.sums is not None:
            return hebbian_energy(
                self.host_sums(),
                nnz=m.nonzero_counts,
                weights=m.weights,
                p=m.p,
                n_neurons=m.n_neurons,
            )
        return coupling_energy(self.spins, m.couplings)


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
    n_sweeps: int,
    n_burn: int = 0,
    n_chains: int = 1,
    dynamics: str = "auto",
    site_order: str = "random",
    initial: np.ndarray | None = None,
    measure_every: int = 1,
    seed: int | np.random.Generator | None = None,
    device: str = "auto",
    backend: str | None = None,
):
    """Run Monte Carlo chains of a model and measure overlaps, energy and q.

    Parameters
    ----------
    model : HebbianModel or CouplingModel
    temperature : float
        ``T >= 0``; :math:`\\beta = 1/T`.
    n_sweeps : int
        Measured sweeps after the burn-in (``>= 1``).
    n_burn : int, optional
        Sweeps discarded first.
    n_chains : int, optional
        Chains ``C`` sharing the model's disorder (``q`` needs ``C >= 2``).
    dynamics : {"auto", "heat_bath", "metropolis", "zero_temperature", "synchronous"}
        See :mod:`hebbian.montecarlo.dynamics`.
    site_order : {"random", "shared", "fixed"}
        Random permutation per chain and sweep, one random permutation per sweep shared
        by the chains, or ``0 .. N-1`` (:mod:`hebbian.montecarlo.draws`). The GPU runs
        ``"shared"`` and ``"fixed"`` (and the synchronous schedule).
    initial : (C, N) or (N,) array of {-1, +1}, optional
        Initial spins (default: independent uniform random configurations).
    measure_every : int, optional
        Measure after every ``measure_every``-th sweep of the measured part.
    seed : int, Generator or None
        Seeds every draw of the run (:mod:`hebbian.montecarlo.draws`).
    device : {"auto", "cpu", "gpu"}
        ``"auto"`` runs on the GPU when CuPy sees a device and the GPU engine can run
        this model and order exactly (equal weights, order ``"shared"`` or ``"fixed"``),
        else on the CPU; ``"gpu"`` raises instead of falling back
        (:mod:`hebbian.gpu.device`). Identical draws give identical chains on both.
    backend : {"numba", "reference", "blocked", "cupy"}, optional
        The kernels (:data:`BACKENDS`); default ``"numba"`` on the CPU and ``"cupy"`` on
        the GPU. ``"blocked"`` is the GPU scheme run on NumPy, for checking.

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
    T = check_real("temperature", temperature, minimum=0.0)
    n_sweeps = check_int("n_sweeps", n_sweeps, minimum=1)
    n_burn = check_int("n_burn", n_burn, minimum=0)
    C = check_int("n_chains", n_chains, minimum=1)
    every = check_int("measure_every", measure_every, minimum=1)
    name = resolve_dynamics(dynamics, T)
    if site_order not in SITE_ORDERS:
        raise ValueError(f"site_order must be one of {SITE_ORDERS}, got {site_order!r}")
    backend = choose_backend(
        model, device=device, backend=backend, dynamics=name, site_order=site_order
    )
    n_meas = n_sweeps // every
    if n_meas * C * max(model.n_memories, 1) > MAX_RECORDED_VALUES:
        raise ValueError(
            f"recording {n_meas} x {C} x {model.n_memories} overlaps exceeds the limit of "
            f"{MAX_RECORDED_VALUES}; raise measure_every or use fewer chains"
        )
    rng = as_generator(seed)
    N = model.n_neurons
    if initial is None:
        initial = random_spins(rng, C, N)
    else:
        initial = (
            np.broadcast_to(np.asarray(initial), (C, N)) if np.ndim(initial) == 1 else initial
        )
        if np.shape(initial)[0] != C:
            raise ValueError(f"initial has {np.shape(initial)[0]} rows but n_chains = {C}")
    chains = MarkovChains(model, initial, backend=backend)
    start = time.perf_counter()
    trace = _run(
        chains,
        rng,
        temperature=T,
        dynamics=DYNAMICS[name],
        site_order=site_order,
        n_burn=n_burn,
        n_sweeps=n_sweeps,
        every=every,
    )
    wall = time.perf_counter() - start
    from hebbian.montecarlo.results import build_dataset

    settings = {
        "temperature": T,
        "dynamics": name,
        "site_order": site_order,
        "n_sweeps": n_sweeps,
        "n_burn": n_burn,
        "n_chains": C,
        "measure_every": every,
        "backend": backend,
        "device": "gpu" if backend == "cupy" else "cpu",
        "seed": int(seed)
        if isinstance(seed, numbers.Integral)
        else ("none" if seed is None else "generator"),
        "wall_time_s": wall,
    }
    return build_dataset(chains, trace, model_attrs=model.describe(), settings=settings)


def choose_backend(
    model, *, device: str = "auto", backend: str | None = None, dynamics: str, site_order: str
) -> str:
    """Return the kernels a run uses, from the requested ``device`` and ``backend``.

    Raises
    ------
    ValueError
        For an unknown device or backend, a CPU backend with ``device="gpu"``, or a run
        the GPU engine cannot do exactly with ``device="gpu"``.
    hebbian.gpu.device.GPUUnavailableError
        For ``device="gpu"`` (or ``backend="cupy"``) without CuPy or a CUDA device.
    """
    from hebbian.gpu.blocked import model_limitation
    from hebbian.gpu.device import resolve_device

    if backend is not None and backend not in BACKENDS:
        raise ValueError(
            f"backend must be one of {', '.join(map(repr, BACKENDS))}, got {backend!r}"
        )
    if backend is not None and backend != "cupy":
        if device == "gpu":
            raise ValueError(f"backend {backend!r} runs on the CPU; device 'gpu' uses 'cupy'")
        return backend
    limitation = model_limitation(model)
    if limitation is None and dynamics != "synchronous" and site_order == "random":
        limitation = (
            "the GPU engine needs one site order shared by every chain; "
            "use site order 'shared' or 'fixed'"
        )
    if backend == "cupy":
        device = "gpu"
    return "cupy" if resolve_device(device, limitation=limitation) == "gpu" else "numba"


def _run(chains: MarkovChains, rng, *, temperature, dynamics, site_order, n_burn, n_sweeps, every):
    C, N = chains.spins.shape
    beta = np.inf if temperature == 0 else 1.0 / temperature
    needs_uniforms = temperature > 0
    order_kind = "fixed" if dynamics == SYNCHRONOUS else site_order
    fixed = (
        np.broadcast_to(np.arange(N, dtype=np.int32), (C, N)) if order_kind == "fixed" else None
    )
    total = n_burn + n_sweeps
    flips = np.zeros((total, C), dtype=np.int64)
    times, ms, energies, qs = [], [], [], []
    for sweep in range(1, total + 1):
        draws = draw_sweep(
            rng,
            n_chains=C,
            n_neurons=N,
            site_order=order_kind,
            needs_uniforms=needs_uniforms,
            fixed_order=fixed,
        )
        flips[sweep - 1] = chains.host_array(
            chains.sweep(beta=beta, dynamics=dynamics, uniforms=draws.uniforms, order=draws.order)
        )
        if sweep > n_burn and (sweep - n_burn) % every == 0:
            times.append(sweep)
            ms.append(chains.overlaps())
            energies.append(chains.energy())
            qs.append(edwards_anderson_overlaps(chains.host_spins()))
    K = chains.overlaps().shape[1]
    return _Trace(
        time=np.asarray(times, dtype=np.int64),
        m=np.asarray(ms, dtype=np.float64).reshape(len(times), C, K),
        energy=np.asarray(energies, dtype=np.float64).reshape(len(times), C),
        q=np.asarray(qs, dtype=np.float64).reshape(len(times), C * (C - 1) // 2),
        flips=flips,
    )
