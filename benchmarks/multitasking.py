"""The low-load multitasking solver on (d, T) grids (issue #11: K = 5, 200 x 200 < 5 s).

    python benchmarks/multitasking.py [--patterns 5] [--size 200] [--repeats 3]

Times :func:`hebbian.theory.hierarchical_state` (the full K-dimensional 3^K equations
from the cascade start) on a ``size x size`` grid of d in [0, 0.99] and T in
[0.005, 1], and :func:`hebbian.theory.multitasking_phase_diagram` for K = 2 and 3 on
the same grid. Prints the best of ``repeats`` and the fraction of settled points.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
from _timing import best_of

from hebbian.theory import hierarchical_state, multitasking_phase_diagram


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patterns", type=int, default=5)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    d = np.linspace(0.0, 0.99, args.size)
    T = np.linspace(0.005, 1.0, args.size)
    hierarchical_state(args.patterns, 0.5, 0.1)  # the configuration table, once
    print(f"{platform.machine()}, NumPy {np.__version__}, grid {args.size} x {args.size}")
    seconds, state = best_of(
        lambda: hierarchical_state(args.patterns, d[:, None], T[None, :]), args.repeats
    )
    settled = np.mean(state.converged | (state.status == "absent"))
    print(f"hierarchical_state K = {args.patterns}: {seconds:.2f} s, {settled:.4f} settled")
    for k in (2, 3):
        seconds, _ = best_of(lambda k=k: multitasking_phase_diagram(k, d, T), args.repeats)
        print(f"multitasking_phase_diagram K = {k}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
