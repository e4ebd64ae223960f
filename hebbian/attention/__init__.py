"""Attention layers beside the Hebbian networks, and the one-layer associative memory.

Layer 2, beside :mod:`hebbian.montecarlo`, :mod:`hebbian.theory`, :mod:`hebbian.learning`
and :mod:`hebbian.vsa` (none imports another). The code is written once for NumPy and
CuPy (array-API style: the array module of the inputs).
"""
