"""The GPU engine: many Monte Carlo chains at once, designed to be the CPU's chains.

* :mod:`hebbian.gpu.blocked` -- the blocked sequential scheme (two matrix products
  and one in-block pass per block of sites), written for any array module; on NumPy
  it is the ``"blocked"`` CPU backend that the tests check against the reference;
* :mod:`hebbian.gpu.cupy_kernels` -- the same scheme on CuPy with a fused CUDA pass
  (backend ``"cupy"``);
* :mod:`hebbian.gpu.device` -- ``device="auto" | "cpu" | "gpu"`` and the one-line
  error when the GPU is asked for and missing.

Importing this package imports neither CuPy nor Numba.
"""

from hebbian.gpu.device import DEVICES, GPUUnavailableError, gpu_unavailable_reason, resolve_device

__all__ = ["DEVICES", "GPUUnavailableError", "gpu_unavailable_reason", "resolve_device"]
