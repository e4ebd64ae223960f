"""Monte Carlo engines: draws, reference and Numba kernels, the driver, statistics, exact sums.

Importing this package does not import Numba; the kernels load when a backend is used.
"""
