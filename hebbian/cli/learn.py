"""``hebbian learn``: learn random patterns with one rule and measure what it stored."""

from __future__ import annotations

import json

import click

from hebbian.cli._app import _FORCE, _json_number, _one_line, _output, main

_LEARN_FLAGS = {"n_neurons": "--neurons", "n_memories": "--memories", "kappa": "--kappa",
                "seed": "--seed", "rule": "--rule", "max_sweeps": "--max-sweeps"}  # fmt: skip


@main.command("learn", short_help="Learn random patterns with one rule; fixed points, stability.")
@click.option("--rule", required=True, help="hebb, storkey, pseudo-inverse, krauth-mezard, "
              "adatron, gardner, diederich-opper-1 or diederich-opper-2.")  # fmt: skip
@click.option("--neurons", "n_neurons", type=int, required=True, help="N, in [2, 10000].")
@click.option("--memories", "n_memories", type=int, required=True, help="K >= 1 patterns.")
@click.option("--kappa", type=float, default=None, help="Margin of the gardner rule, in [0, 10].")
@click.option("--self-coupling", is_flag=True, help="Keep the rule's diagonal J_ii.")
@click.option("--max-sweeps", type=int, default=None,
              help="Budget of the iterative rules, sweeps over the patterns.")  # fmt: skip
@click.option("--seed", type=int, default=None, help="Seed >= 0 (default: drawn and printed).")
@click.option("--out", default=None, help="Write couplings and patterns to this .nc file.")
@_FORCE
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, OSError, flags=_LEARN_FLAGS)
def learn(
    rule, n_neurons, n_memories, kappa, self_coupling, max_sweeps, seed, out, force, as_json
):
    """Learn K random patterns of N neurons with one rule and measure what it stored.

    Prints the fraction of patterns that are fixed points of the zero-temperature
    dynamics, the smallest stability xi_i h_i / |J_i| over patterns and neurons (Gardner,
    J. Phys. A 21, 257 (1988): positive means every pattern is stable), whether J is
    symmetric, and the rule's time. --out writes the couplings, the patterns and their
    stabilities with the rule, seed and version.

    \b
    Examples:
      hebbian learn --rule storkey --neurons 200 --memories 40 --seed 1 --json
      hebbian learn --rule gardner --kappa 0.5 --neurons 200 --memories 100 --seed 1
    """
    from hebbian.learning.run import learning_run, learning_summary

    path = None
    if out is not None:
        path = _output(out, default_name="couplings.nc", extensions=(".nc",), force=force)
    ds = learning_run(rule, n_neurons, n_memories, kappa=kappa, self_coupling=self_coupling,
                      max_sweeps=max_sweeps, seed=seed)  # fmt: skip
    summary = learning_summary(ds)
    summary["out"] = None
    if path is not None:
        from hebbian.io import write_netcdf

        write_netcdf(ds, path)
        summary["out"] = str(path)
    if as_json:
        click.echo(json.dumps({k: _json_number(v) if isinstance(v, float) else v
                               for k, v in summary.items()}))  # fmt: skip
        return
    s = summary
    margin = "" if s["kappa"] is None else f", kappa = {s['kappa']:g}"
    rows = [
        f"{s['rule']}: N = {s['neurons']}, K = {s['memories']} (K/N = "
        f"{s['memories'] / s['neurons']:.4g}){margin}, self-coupling "
        f"{'kept' if s['self_coupling'] else 'removed'}",
        f"  {'fixed points':<24}{s['fixed_point_fraction']:.4f} of the patterns",
        f"  {'smallest stability':<24}{s['min_stability']:.4f}",
        f"  {'symmetric couplings':<24}{'yes' if s['symmetric'] else 'no'}",
        f"  {'neurons converged':<24}"
        + ("n/a (one pass)" if s["converged"] is None else f"{s['converged']:.4f}"),
        f"  {'seed':<24}{s['seed']}",
        f"  {'time':<24}{s['seconds']:.3f} s",
    ]
    if s["out"]:
        rows.append(f"  {'written':<24}{s['out']}")
    click.echo("\n".join(rows))
