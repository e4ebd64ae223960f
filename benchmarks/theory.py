"""Benchmark of the RS theory of the Hopfield model (hebbian.theory).

Times
  (a) the four phase lines (T_g, T_M, T_c with both crossings, T_AT) on N loads
      (target: < 5 s for N = 100 on one core), and
  (b) the RS retrieval solution on an n x n grid of (alpha, T) (target: < 2 s for
      n = 100), solved all at once by ``solve_hopfield``, next to a per-point baseline that
      calls ``scipy.optimize.fsolve`` on the RS equations in (m, q) for every grid
      point, with the same Gaussian quadrature, measured in the same run.

Prints a markdown table (machine, sizes, seconds, ratio) and the agreement between
the vectorised solver and the baseline. Run from the repository root:

    python benchmarks/theory.py            # full sizes (baseline takes ~1 min)
    python benchmarks/theory.py --quick    # 30 loads, 30 x 30 grid
"""

from __future__ import annotations

import os

# one core: keep BLAS/OpenMP pools (if any are used) single-threaded
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from _timing import best_of  # noqa: E402
from scipy.optimize import fsolve  # noqa: E402

from hebbian.theory import gaussian_average, phase_lines, solve_hopfield  # noqa: E402


def fsolve_point(alpha, temperature):
    """Per-point baseline: fsolve on (m, q) from (1, 1); returns (m, ok)."""
    beta = 1.0 / temperature

    def equations(x):
        m, q = x
        d = 1.0 - beta * (1.0 - q)
        if not (d > 0 and q >= 0.0):
            return [1e3, 1e3]
        s = np.sqrt(alpha * q) / d
        t_avg = gaussian_average(
            lambda h: np.tanh(beta * h), mean=m, std=s, temperature=temperature
        )
        q_avg = gaussian_average(
            lambda h: np.tanh(beta * h) ** 2, mean=m, std=s, temperature=temperature
        )
        return [m - float(t_avg), q - float(q_avg)]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x, _, ier, _ = fsolve(equations, [1.0, 1.0], full_output=True, xtol=1e-12)
    ok = ier == 1 and x[0] > 1e-6 and np.max(np.abs(equations(x))) < 1e-9
    return x[0], ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100, help="number of loads for (a)")
    parser.add_argument("--grid", type=int, default=100, help="grid side n for (b)")
    parser.add_argument("--quick", action="store_true", help="30 loads and a 30 x 30 grid")
    parser.add_argument("--repeat", type=int, default=3, help="best of R for the fast methods")
    args = parser.parse_args(argv)
    n_lines, n_grid = (30, 30) if args.quick else (args.lines, args.grid)

    alphas = np.linspace(0.001, 0.15, n_lines)
    t_lines, lines = best_of(lambda: phase_lines(alphas), args.repeat)

    alpha_axis = np.linspace(0.001, 0.2, n_grid)
    t_axis = np.linspace(0.01, 1.2, n_grid)
    alpha_grid, t_grid = np.meshgrid(alpha_axis, t_axis, indexing="ij")
    t_vec, sol = best_of(lambda: solve_hopfield(alpha_grid, t_grid), args.repeat)

    start = time.perf_counter()
    base = [fsolve_point(a, t) for a, t in zip(alpha_grid.ravel(), t_grid.ravel())]
    t_base = time.perf_counter() - start
    m_base = np.array([b[0] for b in base]).reshape(alpha_grid.shape)
    ok_base = np.array([b[1] for b in base]).reshape(alpha_grid.shape)
    ok_vec = np.asarray(sol.converged)
    both = ok_base & ok_vec
    max_dm = float(np.max(np.abs(m_base[both] - sol.m[both]))) if np.any(both) else np.nan

    machine = (
        f"{platform.platform()}, {platform.processor() or platform.machine()}, "
        f"os.cpu_count()={os.cpu_count()}, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, SciPy {scipy.__version__}"
    )
    print(f"Machine: {machine}\n")
    print("| case | size | method | seconds | ratio |")
    print("|---|---|---|---|---|")
    print(
        f"| (a) phase lines T_g, T_M, T_c, T_AT | {n_lines} loads in [0.001, 0.15] "
        f"| `phase_lines` (vectorised) | {t_lines:.3f} | - |"
    )
    print(
        f"| (b) RS retrieval grid | {n_grid} x {n_grid} (alpha in [0.001, 0.2], "
        f"T in [0.01, 1.2]) | `solve_hopfield` (whole grid at once) | {t_vec:.3f} | 1 |"
    )
    print(
        f"| (b) RS retrieval grid | {n_grid} x {n_grid} | per-point `scipy.optimize.fsolve` "
        f"| {t_base:.3f} | {t_base / t_vec:.1f} |"
    )
    print()
    print(
        f"Grid agreement: retrieval found at {int(ok_vec.sum())} points (solve_hopfield) and "
        f"{int(ok_base.sum())} (fsolve); {int((ok_vec != ok_base).sum())} points disagree "
        f"on existence; max |m_solve_hopfield - m_fsolve| where both found it: {max_dm:.1e}."
    )
    print(
        f"solve_hopfield iterations: mean {np.mean(sol.n_iter):.1f}, "
        f"max {int(np.max(sol.n_iter))}; max residual {float(np.max(sol.residual[ok_vec])):.1e}."
    )
    t_m = lines.retrieval_spinodal
    print(
        f"Lines: T_M finite at {int(np.isfinite(t_m).sum())}/{n_lines} loads, "
        f"T_c at {int(np.isfinite(lines.retrieval_transition).sum())}/{n_lines}."
    )


if __name__ == "__main__":
    main()
