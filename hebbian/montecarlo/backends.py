"""Kernel backends of the spin engine: an explicit protocol, a registry, and the choice.

A *backend* is a set of kernels with the semantics of :mod:`hebbian.montecarlo.reference`
(the oracle): for the same draws every backend gives the same spins, which the parity
tests check exactly. It is described by a :class:`Backend` and registered under a name
with :func:`register_backend`, together with what can be known before loading it (its
device, whether it runs the blocked scheme), so that choosing a backend never imports
CuPy or compiles a kernel.

Built in (CPU): ``"reference"``, ``"numba"`` (the default) and ``"blocked"`` (the GPU
scheme of :mod:`hebbian.montecarlo.blocked` run on NumPy). Other packages supply more:
:mod:`hebbian.gpu` registers ``"cupy"`` when it is imported (``import hebbian`` does it),
so this package never names the GPU code.

Which backend a run uses is decided once, by :func:`choose_backend`, from the requested
``device`` (:mod:`hebbian.device`), an optional explicit ``backend``, and what the run
needs (model, dynamics, site order).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from hebbian.device import require_cupy, resolve_device
from hebbian.montecarlo.blocked import model_limitation

__all__ = [
    "Backend",
    "BackendEntry",
    "backend_device",
    "backend_names",
    "blocked_backend_names",
    "choose_backend",
    "get_backend",
    "register_backend",
]


def _identity(array):
    return array


@dataclass(frozen=True)
class Backend:
    """The kernels of one backend (the protocol every backend fulfils).

    Attributes
    ----------
    name : str
    hebbian_sweep, hebbian_synchronous : callable
        ``(spins, sums, arrays, beta, dynamics, order, uniforms) -> flips`` and
        ``(spins, sums, arrays, beta, uniforms) -> flips``, in place, as in
        :mod:`hebbian.montecarlo.reference`.
    prepare_hebbian : callable
        ``models -> arrays``: the kernels' form of a Hebbian model (one model; on a
        blocked backend, a sequence of batch members).
    coupling_sweep, coupling_synchronous : callable or None
        The same for a :class:`~hebbian.models.CouplingModel` (None: not supported).
    place : callable
        Host array -> the backend's device (identity on the CPU).
    to_host : callable
        The backend's array -> NumPy array.
    """

    name: str
    hebbian_sweep: Callable
    hebbian_synchronous: Callable
    prepare_hebbian: Callable
    coupling_sweep: Callable | None = None
    coupling_synchronous: Callable | None = None
    place: Callable = _identity
    to_host: Callable = np.asarray


@dataclass(frozen=True)
class BackendEntry:
    """A registered backend: what is known without loading it, and how to load it.

    Attributes
    ----------
    name : str
    device : {"cpu", "gpu"}
    blocked : bool
        Runs the blocked scheme: Hebbian models with equal weights, one site order
        shared by a member's chains, the members of a batch in one array.
    load : callable
        ``() -> Backend``; imports the kernels (Numba, CuPy) on first use.
    """

    name: str
    device: str
    blocked: bool
    load: Callable[[], Backend]


_REGISTRY: dict[str, BackendEntry] = {}


def register_backend(
    name: str, *, device: str, blocked: bool, load: Callable[[], Backend]
) -> None:
    """Register a backend under ``name`` (a later registration of the name replaces it)."""
    if device not in ("cpu", "gpu"):
        raise ValueError(f"device must be 'cpu' or 'gpu', got {device!r}")
    _REGISTRY[name] = BackendEntry(name=name, device=device, blocked=blocked, load=load)
    get_backend.cache_clear()


def backend_names() -> tuple[str, ...]:
    """Names of the registered backends."""
    return tuple(_REGISTRY)


def backend_device(name: str) -> str:
    """Return the device (``"cpu"`` or ``"gpu"``) of backend ``name``, without loading it."""
    return _entry(name).device


def blocked_backend_names() -> tuple[str, ...]:
    """Names of the registered backends that run the blocked scheme."""
    return tuple(name for name, entry in _REGISTRY.items() if entry.blocked)


def _entry(name: str) -> BackendEntry:
    if name not in _REGISTRY:
        raise ValueError(f"backend must be one of {', '.join(map(repr, _REGISTRY))}, got {name!r}")
    return _REGISTRY[name]


@functools.cache
def get_backend(name: str) -> Backend:
    """Load (once) and return the kernels of backend ``name``."""
    return _entry(name).load()


def choose_backend(
    models, *, device: str = "auto", backend: str | None = None, dynamics: str, site_order: str
) -> str:
    """Return the name of the backend a run of ``models`` (one or a sequence) uses.

    From the requested ``device`` and ``backend``; a GPU backend needs every model to
    run exactly on the blocked scheme and a site order shared by the chains.

    Raises
    ------
    ValueError
        For an unknown device or backend, a CPU backend with ``device="gpu"``, or a run
        the GPU engine cannot do exactly with ``device="gpu"``.
    hebbian.device.GPUUnavailableError
        For ``device="gpu"`` (or a GPU backend) without CuPy or a CUDA device, or with
        no GPU backend registered.
    """
    models = list(models) if isinstance(models, Sequence) else [models]
    entry = None if backend is None else _entry(backend)
    if entry is not None and entry.device == "cpu" and device == "gpu":
        raise ValueError(f"backend {backend!r} runs on the CPU; device 'gpu' needs a GPU backend")
    if device == "gpu" or (entry is not None and entry.device == "gpu"):
        require_cupy()  # a missing CuPy is named before anything the run would need
    limitation = next(filter(None, map(model_limitation, models)), None)
    if limitation is None and dynamics != "synchronous" and site_order == "random":
        limitation = (
            "the GPU engine needs one site order shared by every chain; "
            "use site order 'shared' or 'fixed'"
        )
    if entry is not None:
        if entry.blocked and limitation is not None:
            raise ValueError(f"backend {backend!r} cannot run this: {limitation}")
        if entry.device == "cpu":
            return backend
        device = "gpu"
    elif device == "auto" and any(getattr(m, "p", 2) > 2 for m in models):
        # exact on the GPU but one launch per operation of each visit: not a default
        limitation = "p > 2 runs on the GPU only when asked for (device='gpu')"
    if resolve_device(device, limitation=limitation) == "cpu":
        return "numba"
    if backend is not None:  # pragma: no cover - depends on the machine
        return backend
    gpu = [name for name, e in _REGISTRY.items() if e.device == "gpu"]
    if not gpu:  # pragma: no cover - hebbian.gpu registers one
        from hebbian.device import GPUUnavailableError

        raise GPUUnavailableError("device 'gpu' is not available: no GPU backend is registered")
    return gpu[0]  # pragma: no cover - depends on the machine


def _cpu_kernels(name: str, kernels) -> Backend:
    """Return the backend of a module with the kernels of the reference module."""
    from hebbian.montecarlo.arrays import prepare

    return Backend(
        name=name,
        hebbian_sweep=kernels.hebbian_sweep,
        hebbian_synchronous=kernels.hebbian_synchronous,
        prepare_hebbian=prepare,
        coupling_sweep=kernels.coupling_sweep,
        coupling_synchronous=kernels.coupling_synchronous,
    )


def _reference() -> Backend:
    from hebbian.montecarlo import reference

    return _cpu_kernels("reference", reference)


def _numba() -> Backend:
    from hebbian.montecarlo import numba_kernels

    return _cpu_kernels("numba", numba_kernels)


def _blocked() -> Backend:
    from hebbian.montecarlo import blocked as k

    return Backend(
        name="blocked",
        hebbian_sweep=k.hebbian_sweep,
        hebbian_synchronous=k.hebbian_synchronous,
        prepare_hebbian=k.prepare_hebbian,
    )


register_backend("numba", device="cpu", blocked=False, load=_numba)
register_backend("reference", device="cpu", blocked=False, load=_reference)
register_backend("blocked", device="cpu", blocked=True, load=_blocked)
