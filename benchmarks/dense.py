"""The dense (p-body) RS solvers (issue #10: the RS lines of one p on 100 loads < 5 s).

    python benchmarks/dense.py [--loads 100] [--size 100] [--repeats 3]

Times, best of ``repeats``:

- :func:`hebbian.theory.dense_retrieval_temperature` (the line ``T_M(alpha)``) on
  ``loads`` loads in ``[0, alpha_c(p)]`` for p = 3 and 4;
- :func:`hebbian.theory.solve_dense` (retrieval branch) on a ``size x size`` grid of
  ``(alpha, T)`` for p = 3;
- :func:`hebbian.theory.dense_learning_capacity` (the line ``alpha_c(rho)``) on 20
  values of rho for p = 2 and 3.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
from _timing import best_of

from hebbian.theory import (
    dense_critical_capacity,
    dense_learning_capacity,
    dense_retrieval_temperature,
    solve_dense,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=100)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.machine()}, NumPy {np.__version__}")
    for p in (3, 4):
        alphas = np.linspace(0.0, dense_critical_capacity(p).alpha_c, args.loads)
        seconds, t_m = best_of(
            lambda a=alphas, p=p: dense_retrieval_temperature(p, a), args.repeats
        )
        print(f"T_M(alpha), p = {p}, {args.loads} loads: {seconds:.2f} s "
              f"(T_M(0) = {t_m[0]:.6f})")  # fmt: skip
    a = np.linspace(0.0, 0.13, args.size)[:, None]
    T = np.linspace(0.0, 0.3, args.size)[None, :]
    seconds, sol = best_of(lambda: solve_dense(3, a, T), args.repeats)
    print(f"solve_dense p = 3, {args.size} x {args.size} grid: {seconds:.2f} s "
          f"({np.mean(sol.status != 'not_converged'):.4f} settled)")  # fmt: skip
    rho = np.linspace(0.0, 1.0, 20)
    for p in (2, 3):
        seconds, _ = best_of(lambda p=p: dense_learning_capacity(p, rho), args.repeats)
        print(f"alpha_c(rho), p = {p}, 20 values: {seconds:.2f} s")


if __name__ == "__main__":
    main()
