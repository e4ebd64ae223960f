"""``hebbian vsa ...``: vector symbolic architectures from the command line."""

from __future__ import annotations

import json

import click

from hebbian.cli._app import _json_number, _one_line, main
from hebbian.vsa.trials import METHODS

_VSA_MODELS = ("map-i", "map-b", "bsc", "hrr", "fhrr")
_CAPACITY_FLAGS = {"model": "--model", "dimension": "--dimension",
                   "codebook_size": "--codebook", "accuracy": "--accuracy"}  # fmt: skip


@main.group(
    short_help="Vector symbolic architectures: capacity theory.", invoke_without_command=True
)
@click.pass_context
def vsa(ctx):
    """Vector symbolic architectures (hypervector models) from the command line."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@vsa.command("capacity", short_help="Largest bundle read out at a target accuracy (theory).")
@click.option("--model", type=click.Choice(_VSA_MODELS), required=True,
              help="The hypervector model.")  # fmt: skip
@click.option("--dimension", type=int, required=True, help="Dimension D >= 1.")
@click.option("--codebook", "codebook_size", type=int, required=True,
              help="Codebook size M >= 2 (the items a readout chooses among).")  # fmt: skip
@click.option("--accuracy", type=float, default=0.99, show_default=True,
              help="Target accuracy, in (1/M, 1).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, flags=_CAPACITY_FLAGS)
def vsa_capacity(model, dimension, codebook_size, accuracy, as_json):
    """Compute K_max, the largest bundle of key-value pairs read back at the accuracy.

    Each value is read back by unbinding its key and a winner-take-all cleanup over M
    atoms; K_max is the largest K at which one readout succeeds with at least the
    target probability.

    Frady, Kleyko, Sommer, Neural Computation 30, 1449 (2018): the accuracy of one
    readout is p = int dh phi(h) Phi(h + d')^(M-1), with d' = sqrt(D/K) for MAP-I,
    sqrt(D/(K+1)) for HRR, sqrt(2D/K) for FHRR and Kanerva's binarised-bundle value
    (about sqrt(2D/(pi K))) for MAP-B and BSC (docs/theory/vsa.md).

    \b
    Example:
      hebbian vsa capacity --model map-i --dimension 1000 --codebook 27 --json
    """
    from hebbian.theory.vsa import bundle_capacity

    k_max = int(bundle_capacity(model, dimension, codebook_size, accuracy))
    data = {"model": model, "dimension": dimension, "codebook": codebook_size,
            "accuracy": accuracy, "K_max": k_max}  # fmt: skip
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(
        f"{model}, D = {dimension}, M = {codebook_size}: K_max = {k_max} items at accuracy "
        f">= {accuracy:g} per readout"
    )


_RESONATOR_FLAGS = {"dimension": "--dimension", "factors": "--factors",
                    "codebook_size": "--codebook", "trials": "--trials",
                    "max_iterations": "--max-iterations", "seed": "--seed",
                    "weights": "--weights", "order": "--order"}  # fmt: skip


def _resonator_options(command):
    """Options shared by ``resonator`` and ``resonator-capacity``."""
    options = [
        click.option("--dimension", type=int, required=True, help="Dimension N >= 1."),
        click.option("--factors", type=int, required=True, help="Factors F >= 1."),
        click.option("--weights", type=click.Choice(("op", "ols")), default="op",
                     show_default=True, help="Outer product or least squares."),
        click.option("--method", type=click.Choice(METHODS), default="resonator",
                     show_default=True, help="The factorizer."),
        click.option("--order", type=click.Choice(("sequential", "synchronous")),
                     default="sequential", show_default=True,
                     help="Factors updated in place (the authors') or all at once."),
        click.option("--max-iterations", type=int, default=None,
                     help="Iteration cap (default: Kent et al.'s 0.001 D_f^F, at least 1)."),
        click.option("--seed", type=int, default=None, help="Seed >= 0."),
        click.option("--device", type=click.Choice(("cpu", "gpu")), default="cpu",
                     show_default=True, help="gpu needs CuPy (untested on a GPU)."),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON object."),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _check_seed(seed):
    from hebbian._validation import check_int

    return None if seed is None else check_int("--seed", seed, minimum=0, maximum=2**63 - 1)


@main.command("resonator", short_help="Factor random composites with a resonator network.")
@click.option("--codebook", "codebook_size", type=int, required=True,
              help="Codevectors per factor D_f >= 1.")  # fmt: skip
@click.option("--trials", type=int, default=1000, show_default=True, help="Problems >= 1.")
@_resonator_options
@_one_line(ValueError, flags=_RESONATOR_FLAGS)
def resonator(dimension, factors, codebook_size, trials, max_iterations, weights, method,
              order, seed, device, as_json):  # fmt: skip
    """Factor random composites s = x1 * ... * xF with a resonator network.

    Kent, Frady, Sommer, Olshausen, Neural Computation 32, 2332 (2020): F random bipolar
    codebooks of D_f codevectors in N dimensions, one codevector of each bound into s;
    the network starts from the superposition of every codevector and updates the
    factors one after the other (--order synchronous: all from the previous iteration,
    much worse). Accuracy is per factor, as theirs; accuracy_all counts the trials with
    every factor right.

    \b
    Example:
      hebbian resonator --dimension 1500 --factors 3 --codebook 79 --trials 1000 --json
    """
    from hebbian.device import GPUUnavailableError
    from hebbian.vsa.trials import resonator_trials

    try:
        run = resonator_trials(dimension, factors, codebook_size, trials, method=method,
                               weights=weights, order=order, max_iterations=max_iterations,
                               seed=_check_seed(seed), device=device)  # fmt: skip
    except GPUUnavailableError as exc:
        raise ValueError(str(exc)) from None
    keys = ("accuracy", "accuracy_all", "iterations_median", "converged_fraction",
            "trials_per_second")  # fmt: skip
    data = {"dimension": dimension, "factors": factors, "codebook": codebook_size,
            "trials": trials, "weights": weights, "method": method, "order": order,
            "max_iterations": run["max_iterations"],
            **{key: _json_number(run[key]) for key in keys}}  # fmt: skip
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(
        f"resonator ({weights}, {order}), N = {dimension}, F = {factors}, D_f = "
        f"{codebook_size}, {trials} trials, at most {run['max_iterations']} iterations\n"
        f"  {'accuracy per factor':<24}{run['accuracy']:.4f}\n"
        f"  {'all factors right':<24}{run['accuracy_all']:.4f}\n"
        f"  {'median iterations':<24}{run['iterations_median']:g}\n"
        f"  {'converged':<24}{run['converged_fraction']:.4f}\n"
        f"  {'trials per second':<24}{run['trials_per_second']:.1f}"
    )


@main.command("resonator-capacity", short_help="Codebook size solved at 99% (Kent et al.).")
@click.option("--trials", type=int, default=1000, show_default=True,
              help="Problems per codebook size.")  # fmt: skip
@click.option("--codebooks", default=None,
              help="Comma-separated codebook sizes (default: searched by doubling, then "
                   "bisection).")  # fmt: skip
@click.option("--accuracy", "target", type=float, default=0.99, show_default=True,
              help="Accuracy per factor that defines the capacity, in (0, 1].")  # fmt: skip
@_resonator_options
@_one_line(ValueError, flags={**_RESONATOR_FLAGS, "target": "--accuracy"})
def resonator_capacity(dimension, factors, trials, codebooks, target, weights, method, order,
                       max_iterations, seed, device, as_json):  # fmt: skip
    """Find the codebook size D_f solved with 99% accuracy (the operational capacity).

    Kent et al. 2020: the D_f at which the accuracy per factor falls through 0.99 with
    at most 0.001 D_f^F iterations, linearly interpolated between measured sizes.
    --max-iterations fixes the cap at every size instead (their optimisation baselines,
    --method als|pgd|ista|fista|mw|msc, ran to convergence: --max-iterations 10000).

    \b
    Example:
      hebbian resonator-capacity --dimension 1000 --factors 2 --trials 300 --json
    """
    from hebbian.device import GPUUnavailableError
    from hebbian.vsa.trials import operational_capacity

    sizes = None
    if codebooks is not None:
        try:
            sizes = [int(x) for x in codebooks.split(",") if x.strip()]
        except ValueError:
            raise ValueError(
                f"--codebooks must be a comma-separated list of integers, got {codebooks!r}"
            ) from None
    try:
        result = operational_capacity(dimension, factors, sizes, trials, method=method,
                                      weights=weights, order=order,
                                      max_iterations=max_iterations, seed=_check_seed(seed),
                                      device=device, target=target)  # fmt: skip
    except GPUUnavailableError as exc:
        raise ValueError(str(exc)) from None
    capacity = result["capacity"]
    data = {"dimension": dimension, "factors": factors, "weights": weights, "method": method,
            "order": order, "accuracy": target,
            "D_f99": None if capacity is None else _json_number(capacity),
            "status": result["status"],
            "points": [[int(d), _json_number(a)] for d, a in result["points"]]}  # fmt: skip
    if as_json:
        click.echo(json.dumps(data))
        return
    found = "not bracketed" if capacity is None else f"{capacity:.1f}"
    click.echo(f"resonator ({weights}, {order}), N = {dimension}, F = {factors}: D_f at "
               f"{target:g} = {found} ({result['status']})")  # fmt: skip
    for d, a in result["points"]:
        click.echo(f"  D_f = {d:<6} accuracy {a:.4f}")
