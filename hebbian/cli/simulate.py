"""``hebbian simulate``: one Monte Carlo retrieval run from a noisy cue."""

from __future__ import annotations

import json

import click

from hebbian.cli._app import _FORCE, _bad, _one_line, _output, main
from hebbian.device import DEVICES
from hebbian.montecarlo.draws import SITE_ORDERS
from hebbian.montecarlo.dynamics import DYNAMICS
from hebbian.montecarlo.options import DRAWS

#: ``simulate``'s options by the names of the parameters they set.
_SIMULATE_FLAGS = {
    "n_neurons": "--neurons",
    "alpha": "--alpha",
    "p": "--p",
    "temperature": "--temperature",
    "cue_noise": "--cue-noise",
    "dilution": "--dilution",
    "n_sweeps": "--sweeps",
    "n_chains": "--chains",
    "seed": "--seed",
}


@main.command(short_help="Retrieve a memory from a noisy cue (one Monte Carlo run).")
@click.option("--neurons", "n_neurons", type=int, default=1000, show_default=True, help="N >= 2.")
@click.option(
    "--alpha", type=float, default=0.1, show_default=True, help="Load alpha = K / N^(p-1) > 0."
)
@click.option("--p", type=int, default=2, show_default=True, help="Interaction order p >= 2.")
@click.option("--temperature", type=float, default=0.0, show_default=True, help="T >= 0.")
@click.option(
    "--cue-noise",
    type=float,
    default=0.1,
    show_default=True,
    help="Fraction of flipped sites of the cue of memory 0, in [0, 1].",
)
@click.option(
    "--dilution", type=float, default=0.0, show_default=True, help="Blank fraction, in [0, 1)."
)
@click.option("--sweeps", "n_sweeps", type=int, default=20, show_default=True, help=">= 1.")
@click.option(
    "--dynamics", type=click.Choice(["auto", *DYNAMICS]), default="auto", show_default=True
)
@click.option(
    "--order",
    "site_order",
    type=click.Choice(SITE_ORDERS),
    default="random",
    show_default=True,
    help="Site order of a sweep: per chain, shared by the chains (the GPU's), or fixed.",
)
@click.option(
    "--device",
    type=click.Choice(DEVICES),
    default="auto",
    show_default=True,
    help="auto uses the GPU when CuPy sees one and the run allows it.",
)
@click.option(
    "--draws",
    type=click.Choice(DRAWS),
    default="host",
    show_default=True,
    help="Where the uniforms are drawn (device: on the GPU, other chains).",
)
@click.option("--chains", "n_chains", type=int, default=1, show_default=True, help="Cues, >= 1.")
@click.option("--seed", type=int, default=None, help="Seed >= 0 (default: drawn and printed).")
@click.option("--out", default=None, help="Write the Dataset to this .nc file (or folder).")
@_FORCE
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, TypeError, OSError, flags=_SIMULATE_FLAGS)
def simulate(
    n_neurons, alpha, p, temperature, cue_noise, dilution, seed, out, force, as_json, **o
):
    """Retrieve memory 0 from noisy cues; report overlap, energy, convergence and times.

    Without --seed a seed is drawn, printed and stored, so every run can be repeated.

    \b
    Example:
      hebbian simulate --neurons 2000 --alpha 0.1 --p 2 --temperature 0 \\
          --cue-noise 0.1 --sweeps 20 --seed 1
    """
    from hebbian.device import GPUUnavailableError
    from hebbian.montecarlo.options import EngineOptions
    from hebbian.montecarlo.retrieval import retrieval_run, retrieval_summary

    options = EngineOptions(**o)
    path = None
    if out is not None:
        path = _output(out, default_name="retrieval.nc", extensions=(".nc",), force=force)
    try:
        ds = retrieval_run(
            n_neurons,
            alpha,
            p=p,
            temperature=temperature,
            cue_noise=cue_noise,
            dilution=dilution,
            seed=seed,
            options=options,
        )
    except GPUUnavailableError as exc:
        raise _bad(str(exc)) from None
    summary = {**retrieval_summary(ds), "out": None}
    if path is not None:
        from hebbian.io import write_netcdf

        write_netcdf(ds, path)
        summary["out"] = str(path)
    click.echo(json.dumps(summary) if as_json else _simulate_table(summary))


def _simulate_table(s: dict) -> str:
    conv = s["sweeps_to_convergence"]
    if conv is None:
        conv_text = "n/a (T > 0)" if s["temperature"] > 0 else f"not reached in {s['n_sweeps']}"
    else:
        conv_text = str(conv)
    chains = f"{s['n_chains']} chain" + ("s" if s["n_chains"] > 1 else "")
    rows = [
        f"N = {s['n_neurons']}, K = {s['n_memories']} (alpha = {s['alpha']:.4g}), p = {s['p']}, "
        f"T = {s['temperature']:g}, {s['dynamics']}, {chains} on the {s['device'].upper()}",
        f"  {'overlap with cued memory':<28}{s['overlap']:.4f}",
        f"  {'energy per spin':<28}{s['energy_per_spin']:.4f}",
        f"  {'sweeps to convergence':<28}{conv_text}",
        f"  {'seed':<28}{s['seed']}",
        f"  {'set-up time':<28}{s['setup_time_s']:.3f} s",
        f"  {'run time':<28}{s['run_time_s']:.3f} s",
    ]
    if s["out"]:
        rows.append(f"  {'written':<28}{s['out']}")
    return "\n".join(rows)
