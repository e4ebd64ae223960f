"""Collection settings for the doctests of the package (``--doctest-modules``)."""

from hebbian.device import gpu_unavailable_reason

# The GPU engine's module imports CuPy when it is imported (it raises a clear error
# otherwise), so the doctest collection skips it where CuPy or a device is missing.
collect_ignore = ["hebbian/gpu/cupy_kernels.py"] if gpu_unavailable_reason() else []
