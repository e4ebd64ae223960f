"""The learning rules of hebbian.learning: seconds per rule; MinOver and AdaTron to the optimum.

    python benchmarks/learning.py [--size 1000] [--minover-size 1000] [--repeats 1]
                                  [--target 0.02] [--skip-rules] [--skip-minover]
                                  [--skip-adatron]

Times, best of ``repeats``, on random patterns:

- every rule of :data:`hebbian.learning.RULES` at ``N = size``, ``K = N/2`` (default
  parameters; ``gardner`` with ``kappa = 0.5``), with the fraction of patterns that are
  fixed points and the mean over neurons of the least stability;
- MinOver (:func:`hebbian.learning.krauth_mezard`) at ``N = minover-size``,
  ``K = 1.5 N``, with update budgets doubled (``max_sweeps = 1, 2, 4, ...``) until the
  least stability, averaged over neurons, is within ``target`` (2 %) of Gardner's
  optimum :math:`\\kappa(\\alpha)`, which solves
  :math:`\\alpha^{-1} = \\int_{-\\kappa}^\\infty Dt\\,(t+\\kappa)^2
  = (1+\\kappa^2)\\Phi(\\kappa) + \\kappa\\varphi(\\kappa)`; then also the run with the
  certified stopping gap ``tol = target`` (each neuron within 2 % of its own optimum);
- the AdaTron (:func:`hebbian.learning.adatron`) on the same patterns, with the
  certified stop at ``tol = 0.1, 0.05, target, target/2, ...`` until the mean least
  stability is within ``target`` of :math:`\\kappa(\\alpha)`, and the run at
  ``tol = target`` (sweeps, seconds, neurons converged).

The first call of each perceptron-type rule compiles its Numba kernel (cached on disk):
a warm-up on a small problem runs first and is not timed.
"""

from __future__ import annotations

import argparse
import os
import platform

import numba
import numpy as np
from _timing import best_of

from hebbian.learning import RULES, adatron, fixed_point_fraction, krauth_mezard, stabilities
from hebbian.patterns import random_patterns
from hebbian.theory import optimal_stability


def mean_min_stability(model) -> float:
    return float(np.nanmin(stabilities(model), axis=0).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--minover-size", type=int, default=None)
    parser.add_argument("--target", type=float, default=0.02)
    parser.add_argument("--max-doublings", type=int, default=14)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--skip-rules", action="store_true")
    parser.add_argument("--skip-minover", action="store_true")
    parser.add_argument("--skip-adatron", action="store_true")
    args = parser.parse_args()
    n_minover = args.minover_size or args.size
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{platform.machine()}, {platform.processor() or 'cpu'}, {cpus} CPUs, "
          f"Numba {numba.__version__} ({numba.get_num_threads()} threads), "
          f"NumPy {np.__version__}\n")  # fmt: skip

    warm = random_patterns(20, 40, seed=0)
    for fn in RULES.values():  # compile the kernels
        fn(warm)

    if not args.skip_rules:
        N = args.size
        K = N // 2
        xi = random_patterns(K, N, seed=1)
        print(f"## Every rule, N = {N}, K = {K} (alpha = {K / N:g})\n")
        print("| rule | seconds | fixed-point fraction | mean least stability |")
        print("|---|---:|---:|---:|")
        for name, fn in RULES.items():
            options = {"kappa": 0.5} if name == "gardner" else {}
            seconds, model = best_of(lambda fn=fn, o=options: fn(xi, **o), args.repeats)
            label = f"{name} (kappa 0.5)" if options else name
            print(f"| {label} | {seconds:.2f} | {fixed_point_fraction(model):.3f} | "
                  f"{mean_min_stability(model):.4f} |", flush=True)  # fmt: skip
        print()
    if args.skip_minover and args.skip_adatron:
        return

    N = n_minover
    K = (3 * N) // 2
    alpha = K / N
    kappa = float(optimal_stability(alpha))
    kappa_eff = float(optimal_stability(K / (N - 1)))  # J_ii = 0: N - 1 inputs a neuron
    goal = (1 - args.target) * kappa
    xi = random_patterns(K, N, seed=2)
    header = (f"N = {N}, K = {K} (alpha = {alpha:g}): kappa(alpha) = {kappa:.5f} "
              f"(kappa(K/(N-1)) = {kappa_eff:.5f}); goal: mean least stability >= "
              f"{goal:.5f} ({1 - args.target:g} kappa)\n")  # fmt: skip
    if not args.skip_minover:
        minover(xi, kappa, goal, header, args)
    if not args.skip_adatron:
        adatron_section(xi, kappa, goal, header, args)


def adatron_section(xi, kappa, goal, header, args) -> None:
    N = xi.shape[1]
    print(f"## AdaTron, {header}")
    print("| tol | seconds | sweeps (mean) | sweeps (max) | mean least stability | "
          "/ kappa | least over neurons | converged |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    tols = sorted({0.1, 0.05, *(args.target / 2**k for k in range(8))}, reverse=True)
    reached, at_target = None, None
    for tol in tols:
        seconds, run = best_of(
            lambda t=tol: adatron(xi, max_sweeps=100000, tol=t, full_output=True), args.repeats
        )
        least = run.min_stability
        print(f"| {tol:g} | {seconds:.2f} | {run.sweeps.mean():.1f} | {run.sweeps.max()} | "
              f"{least.mean():.5f} | {least.mean() / kappa:.4f} | {least.min():.5f} | "
              f"{int(run.converged.sum())}/{N} |", flush=True)  # fmt: skip
        if tol == args.target:
            at_target = (seconds, run)
        if reached is None and least.mean() >= goal:
            reached = (tol, seconds)
        if reached is not None and at_target is not None:
            break
    print()
    if reached is None:
        print(f"not reached at tol = {tols[-1]:g}\n")
    else:
        print(f"reached {1 - args.target:g} kappa(alpha) at tol = {reached[0]:g}: "
              f"{reached[1]:.2f} s\n")  # fmt: skip
    seconds, run = at_target
    least = run.min_stability
    print(f"AdaTron certified stop, tol = {args.target:g}: {seconds:.2f} s, "
          f"{run.sweeps.mean():.1f} sweeps (max {run.sweeps.max()}), mean least stability "
          f"{least.mean():.5f} = {least.mean() / kappa:.4f} kappa(alpha), "
          f"{int(run.converged.sum())}/{N} neurons converged")  # fmt: skip


def minover(xi, kappa, goal, header, args) -> None:
    N = xi.shape[1]
    print(f"## MinOver, {header}")
    print("| max_sweeps | updates/neuron (mean) | seconds | mean least stability | "
          "/ kappa | least over neurons | certified |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|")
    total = 0.0
    sweeps = 1
    for _ in range(args.max_doublings):
        seconds, run = best_of(
            lambda s=sweeps: krauth_mezard(xi, max_sweeps=s, tol=1e-9, full_output=True),
            args.repeats,
        )
        total += seconds
        least = run.min_stability
        print(f"| {sweeps} | {run.updates.mean():.0f} | {seconds:.2f} | {least.mean():.5f} | "
              f"{least.mean() / kappa:.4f} | {least.min():.5f} | "
              f"{int(run.converged.sum())}/{N} |", flush=True)  # fmt: skip
        if least.mean() >= goal:
            print(f"\nreached {1 - args.target:g} kappa(alpha) at max_sweeps = {sweeps}: "
                  f"{seconds:.2f} s (all budgets together {total:.2f} s)\n")  # fmt: skip
            break
        sweeps *= 2
    else:
        print(f"\nnot reached within max_sweeps = {sweeps // 2} (finite-size optimum below "
              f"kappa(alpha)?); all budgets together {total:.2f} s\n")  # fmt: skip

    seconds, run = best_of(
        lambda: krauth_mezard(xi, max_sweeps=100000, tol=args.target, full_output=True),
        args.repeats,
    )
    least = run.min_stability
    print(f"certified stop, tol = {args.target:g} (each neuron >= {1 - args.target:g} of its "
          f"own optimum): {seconds:.2f} s, {run.updates.mean():.0f} updates/neuron, "
          f"mean least stability {least.mean():.5f} = {least.mean() / kappa:.4f} kappa(alpha), "
          f"{int(run.converged.sum())}/{N} neurons converged\n")  # fmt: skip


if __name__ == "__main__":
    main()
