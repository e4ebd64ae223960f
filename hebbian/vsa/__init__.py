"""Vector symbolic architectures: hypervector models and resonator networks.

Layer 2, beside :mod:`hebbian.montecarlo`, :mod:`hebbian.theory` and
:mod:`hebbian.learning` (none imports another). The code is written once for NumPy and
CuPy (array-API style, the array module from :func:`hebbian.device.array_module`).
"""
