"""The one place where a device is chosen: CuPy imported lazily, one clear error if absent.

``device="auto"`` picks the GPU only when CuPy imports and sees a CUDA device, and the
run is one the GPU code can do (the caller passes a ``limitation`` when it cannot);
``"gpu"`` insists and fails with one line saying why; ``"cpu"`` never touches CuPy.
:func:`array_module` turns the choice into NumPy or CuPy, for the array-API code of
every family (the spin engine takes its kernels from the backends of
:mod:`hebbian.montecarlo.backends` instead).
"""

from __future__ import annotations

from hebbian._validation import check_choice

__all__ = [
    "DEVICES",
    "GPUUnavailableError",
    "array_module",
    "array_module_of",
    "to_host",
    "gpu_unavailable_reason",
    "require_cupy",
    "resolve_device",
]

#: Accepted values of ``device`` (API) and ``--device`` (CLI).
DEVICES = ("auto", "cpu", "gpu")


class GPUUnavailableError(RuntimeError):
    """The GPU was asked for, but CuPy or a CUDA device is missing."""


def gpu_unavailable_reason() -> str | None:
    """Why the GPU engine cannot run here, or None when it can."""
    try:
        import cupy
    except Exception as exc:  # ImportError, or a broken CUDA installation
        return f"CuPy is not importable ({type(exc).__name__}: {exc}); install hebbian[gpu]"
    try:
        n = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"CuPy finds no usable CUDA device ({type(exc).__name__}: {exc})"
    if n < 1:  # pragma: no cover - depends on the machine
        return "CuPy finds no CUDA device"
    return None  # pragma: no cover - depends on the machine


def require_cupy():
    """Import and return :mod:`cupy`.

    Raises
    ------
    GPUUnavailableError
        With the reason of :func:`gpu_unavailable_reason`.
    """
    reason = gpu_unavailable_reason()
    if reason is not None:
        raise GPUUnavailableError(f"device 'gpu' is not available: {reason}")
    import cupy  # pragma: no cover - depends on the machine

    return cupy  # pragma: no cover


def resolve_device(device: str, *, limitation: str | None = None) -> str:
    """Return ``"cpu"`` or ``"gpu"`` for the requested ``device``.

    Parameters
    ----------
    device : {"auto", "cpu", "gpu"}
    limitation : str or None
        Why this run cannot use the GPU engine (None if it can).

    Raises
    ------
    ValueError
        For an unknown name, or ``"gpu"`` for a run the GPU engine cannot do.
    GPUUnavailableError
        For ``"gpu"`` without CuPy or a device.
    """
    check_choice("device", device, DEVICES)
    if device == "cpu":
        return "cpu"
    if device == "gpu":
        if limitation is not None:
            raise ValueError(f"device 'gpu' cannot run this: {limitation}")
        require_cupy()
        return "gpu"  # pragma: no cover - depends on the machine
    if limitation is not None or gpu_unavailable_reason() is not None:
        return "cpu"
    return "gpu"  # pragma: no cover - depends on the machine


def array_module(device: str = "auto"):
    """Return the array module of ``device``: :mod:`numpy` on the CPU, :mod:`cupy` on the GPU.

    Raises
    ------
    ValueError, GPUUnavailableError
        As :func:`resolve_device`.
    """
    if resolve_device(device) == "gpu":
        return require_cupy()  # pragma: no cover - depends on the machine
    import numpy

    return numpy


def array_module_of(*arrays):
    """Return the array module of ``arrays``: :mod:`cupy` if any is a CuPy array, else NumPy.

    The array-API functions of the families take their module from their inputs with it,
    so that a NumPy call never imports CuPy.
    """
    for array in arrays:
        if type(array).__module__.split(".")[0] == "cupy":
            return require_cupy()  # pragma: no cover - depends on the machine
    import numpy

    return numpy


def to_host(array):
    """Return a NumPy copy (or the array itself) of a NumPy or CuPy array."""
    import numpy

    return array.get() if hasattr(array, "__cuda_array_interface__") else numpy.asarray(array)
