"""The GPU engine: supplies the ``"cupy"`` backend of the spin engine.

* :mod:`hebbian.gpu.cupy_kernels` -- the blocked scheme of
  :mod:`hebbian.montecarlo.blocked` on CuPy, with the visits of a block fused into one
  CUDA pass;
* :mod:`hebbian.gpu.cuda_source` -- that pass's CUDA C source.

Importing this package registers the backend (:func:`hebbian.montecarlo.backends.
register_backend`) and imports neither CuPy nor Numba: the kernels load on first use.
The device itself is chosen in :mod:`hebbian.device`.
"""

from hebbian.montecarlo.backends import Backend, register_backend

__all__: list[str] = []


def _load_cupy() -> Backend:
    from hebbian.gpu import cupy_kernels

    return cupy_kernels.BACKEND


register_backend("cupy", device="gpu", blocked=True, load=_load_cupy)
