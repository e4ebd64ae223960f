"""Attention layers: one full capacity curve per layer, timed, with its numbers.

    python benchmarks/attention.py [--dim 64] [--points 20] [--largest 1024]
                                   [--trials 100] [--repeats 1] [--seed 0] [--workers 2]

For each of the six layers of :func:`hebbian.attention.retrieval_trials` (hebbian, the
one-pass delta rule, least squares, softmax and Softmax1 at beta = 8, dense of order 3),
the whole curve: ``points`` values of the number of pairs N, log-spaced from 4 to
``largest``, ``trials`` random memories each, both metrics (relative error and
winner-take-all accuracy). Prints seconds per layer (best of ``repeats``), the total,
and the measured relative error and WTA accuracy at the largest N beside the theory.
Then the six curves on ``workers`` Python threads with one BLAS thread each (the
(layer, N) tasks dealt out largest first; NumPy releases the GIL in its products and
array loops), which is what the issue's target measures: the six curves at d = 64, 20
values of N, 100 trials in under 10 s on 2 cores. Last, the same grid as one experiment
run (``schlag2021_attention_capacity`` with those sizes) on ``workers`` worker
processes, one BLAS thread each, as ``hebbian run`` does it. The load
average is printed before and after: the development machine is shared.
"""

from __future__ import annotations

import argparse
import os
import platform
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from _timing import best_of

from hebbian._blas import blas_threads
from hebbian.attention import retrieval_trials
from hebbian.experiments import load_config, run_experiment
from hebbian.sweep import SweepOptions
from hebbian.theory.attention import relative_error

RULES = ("hebbian", "delta", "lsq", "softmax", "softmax1", "dense")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--largest", type=int, default=1024)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{platform.machine()}, {platform.processor() or 'cpu'}, {cpus} CPUs, "
          f"NumPy {np.__version__}\n")  # fmt: skip
    pairs = np.unique(np.round(np.geomspace(4, args.largest, args.points)).astype(int))
    for rule in RULES:  # warm-up (imports, first BLAS calls)
        retrieval_trials(rule, args.dim, 8, trials=2, seed=1)
    print(f"## d = {args.dim}, N = {pairs.min()}..{pairs.max()} ({len(pairs)} values), "
          f"{args.trials} memories per point, load average before: "
          f"{os.getloadavg()[0]:.2f}\n")  # fmt: skip
    print(f"| layer | seconds | rel. error at N = {pairs.max()} (theory) | WTA accuracy |")
    print("|---|---:|---:|---:|")
    total = 0.0
    for rule in RULES:
        seconds, results = best_of(
            lambda r=rule: [retrieval_trials(r, args.dim, int(n), trials=args.trials,
                                             seed=args.seed) for n in pairs],
            args.repeats,
        )  # fmt: skip
        total += seconds
        last = results[-1]
        theory = relative_error(rule, args.dim, int(pairs.max()))
        shown = "none" if theory is None else f"{theory:.4g}"
        print(f"| {rule} | {seconds:.2f} | {last.rel_err:.4g} ({shown}) | "
              f"{last.wta_accuracy:.4f} |", flush=True)  # fmt: skip
    print(f"\none process, NumPy's default BLAS threads: {total:.2f} s in all")
    tasks = sorted(((rule, int(n)) for rule in RULES for n in pairs), key=lambda t: -t[1])

    def share(worker):
        with blas_threads(1):
            for rule, n in tasks[worker :: args.workers]:
                retrieval_trials(rule, args.dim, n, trials=args.trials, seed=args.seed)

    def threaded():
        with ThreadPoolExecutor(args.workers) as pool:
            list(pool.map(share, range(args.workers)))

    seconds, _ = best_of(threaded, args.repeats)
    met = seconds < 10.0
    print(f"the six curves on {args.workers} Python threads, one BLAS thread each: "
          f"{seconds:.2f} s; target (< 10 s on 2 cores): "
          f"{'met' if met else 'not met'}")  # fmt: skip
    overrides = [("dims", [args.dim]), ("n_pairs", [int(n) for n in pairs]),
                 ("n_trials", args.trials), ("rules", list(RULES))]  # fmt: skip
    options = SweepOptions(executor="processes", workers=args.workers, progress=False)
    config = load_config("schlag2021_attention_capacity")
    seconds, _ = best_of(
        lambda: run_experiment(config, quick=True, overrides=overrides, options=options),
        args.repeats,
    )
    print(
        f"the same grid as one experiment run on {args.workers} worker processes "
        f"(process start and imports included): {seconds:.2f} s"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
