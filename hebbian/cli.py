"""The ``hebbian`` command line: thin click commands over the public API.

Bad user input exits with status 2 and one line ``hebbian: error: ...`` on stderr that
names the value and the allowed range: no traceback, and no output file is created.
Heavy modules (NumPy, Numba, xarray) are imported inside the commands, so that
``hebbian --version`` answers at once.
"""

from __future__ import annotations

import json
import sys

import click

from hebbian._version import __version__

__all__ = ["main"]


class _HebbianGroup(click.Group):
    """A click group that reports usage errors as one line and exits with status 2."""

    def main(self, args=None, prog_name=None, **extra):
        try:
            rv = super().main(
                args=args, prog_name=prog_name or "hebbian", standalone_mode=False, **extra
            )
        except click.UsageError as exc:
            click.echo(f"hebbian: error: {exc.format_message()}", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("hebbian: aborted", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            click.echo(f"hebbian: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=_HebbianGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hebbian")
def main() -> None:
    """Statistical mechanics of associative memories.

    \b
    Example:
      hebbian simulate --neurons 2000 --alpha 0.1 --temperature 0 --cue-noise 0.1
    """


def _bad(message: str) -> click.UsageError:
    return click.UsageError(message)


@main.command()
@click.option(
    "--neurons",
    "n_neurons",
    type=int,
    default=1000,
    show_default=True,
    help="Number of neurons N (>= 2).",
)
@click.option(
    "--alpha", type=float, default=0.1, show_default=True, help="Load alpha = K / N^(p-1) (> 0)."
)
@click.option(
    "--p",
    "p",
    type=int,
    default=2,
    show_default=True,
    help="Interaction order p (>= 2; 2 is the Hopfield network).",
)
@click.option(
    "--temperature", type=float, default=0.0, show_default=True, help="Temperature T (>= 0)."
)
@click.option(
    "--cue-noise",
    type=float,
    default=0.1,
    show_default=True,
    help="Fraction of flipped sites of the cue of memory 0, in [0, 1].",
)
@click.option(
    "--dilution",
    type=float,
    default=0.0,
    show_default=True,
    help="Fraction d of blank pattern entries, in [0, 1).",
)
@click.option(
    "--sweeps",
    "n_sweeps",
    type=int,
    default=20,
    show_default=True,
    help="Monte Carlo sweeps (>= 1).",
)
@click.option(
    "--dynamics",
    default="auto",
    show_default=True,
    help="auto, heat_bath, metropolis, zero_temperature or synchronous.",
)
@click.option(
    "--order",
    "site_order",
    default="random",
    show_default=True,
    help="Site order of a sequential sweep: random or fixed.",
)
@click.option(
    "--chains",
    "n_chains",
    type=int,
    default=1,
    show_default=True,
    help="Independent chains (cues) on the same patterns (>= 1).",
)
@click.option(
    "--seed", type=int, default=None, help="Seed (>= 0) for patterns, cues and dynamics."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the full result (xarray Dataset) to this NetCDF file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def simulate(
    n_neurons,
    alpha,
    p,
    temperature,
    cue_noise,
    dilution,
    n_sweeps,
    dynamics,
    site_order,
    n_chains,
    seed,
    out,
    as_json,
):
    """Retrieve a memory from a noisy cue and report overlap, energy and convergence.

    \b
    Example:
      hebbian simulate --neurons 2000 --alpha 0.1 --p 2 --temperature 0 \\
          --cue-noise 0.1 --sweeps 20 --seed 1
    """
    import numpy as np

    from hebbian.io import check_writable
    from hebbian.models import HebbianModel
    from hebbian.montecarlo.draws import SITE_ORDERS
    from hebbian.montecarlo.dynamics import resolve_dynamics
    from hebbian.patterns import cue, diluted_patterns, random_patterns

    try:
        _check_simulate_args(
            n_neurons, alpha, p, temperature, cue_noise, dilution, n_sweeps, n_chains, seed
        )
        name = resolve_dynamics(dynamics, temperature)
        if site_order not in SITE_ORDERS:
            raise ValueError(
                f"--order must be one of {', '.join(SITE_ORDERS)}, got {site_order!r}"
            )
        n_memories = int(round(alpha * float(n_neurons) ** (p - 1)))
        if n_memories < 1:
            raise ValueError(
                f"alpha = {alpha:g} stores no memory at N = {n_neurons}, p = {p} "
                f"(need alpha N^(p-1) >= 0.5)"
            )
        if n_memories * n_neurons > 2**31:
            raise ValueError(
                f"K N = {n_memories * n_neurons} pattern entries exceed the limit "
                f"2^31; lower --neurons or --alpha"
            )
        if out is not None:
            check_writable(out)
        rng = np.random.default_rng(seed)
        if dilution > 0:
            xi = diluted_patterns(n_memories, n_neurons, dilution=dilution, seed=rng)
        else:
            xi = random_patterns(n_memories, n_neurons, seed=rng)
        model = HebbianModel(xi, p=p)
    except (ValueError, TypeError) as exc:
        raise _bad(str(exc)) from None
    from hebbian.montecarlo.engine import simulate as run_simulation

    initial = cue(model.memories[0], noise=cue_noise, n_cues=n_chains, seed=rng)
    ds = run_simulation(
        model,
        temperature=temperature,
        n_sweeps=n_sweeps,
        n_chains=n_chains,
        dynamics=name,
        site_order=site_order,
        initial=initial,
        seed=rng,
    )
    ds.attrs.update(
        {
            "cue_noise": cue_noise,
            "dilution": dilution,
            "cued_memory": 0,
            "seed": "none" if seed is None else seed,
        }
    )
    summary = _simulate_summary(ds)
    if out is not None:
        from hebbian.io import write_netcdf

        write_netcdf(ds, out)
        summary["out"] = str(out)
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(_simulate_table(summary))


def _check_simulate_args(
    n_neurons, alpha, p, temperature, cue_noise, dilution, n_sweeps, n_chains, seed
):
    from hebbian._validation import check_int, check_real

    check_int("--neurons", n_neurons, minimum=2)
    check_real("--alpha", alpha, minimum=0.0, include_minimum=False)
    check_int("--p", p, minimum=2)
    check_real("--temperature", temperature, minimum=0.0)
    check_real("--cue-noise", cue_noise, minimum=0.0, maximum=1.0)
    check_real("--dilution", dilution, minimum=0.0, maximum=1.0, include_maximum=False)
    check_int("--sweeps", n_sweeps, minimum=1)
    check_int("--chains", n_chains, minimum=1)
    if seed is not None:
        check_int("--seed", seed, minimum=0)


def _simulate_summary(ds) -> dict:
    import numpy as np

    final_m = ds.m.isel(time=-1, memory=0).values
    final_e = ds.energy.isel(time=-1).values
    to_fixed = ds.sweeps_to_fixed_point.values
    converged = bool(np.all(np.isfinite(to_fixed)))
    return {
        "n_neurons": int(ds.attrs["n_neurons"]),
        "n_memories": int(ds.attrs["n_memories"]),
        "alpha": float(ds.attrs["alpha"]),
        "p": int(ds.attrs["p"]),
        "temperature": float(ds.attrs["temperature"]),
        "dynamics": ds.attrs["dynamics"],
        "n_chains": int(ds.attrs["n_chains"]),
        "n_sweeps": int(ds.attrs["n_sweeps"]),
        "overlap": float(final_m.mean()),
        "overlap_per_chain": [float(x) for x in final_m],
        "energy_per_spin": float(final_e.mean()),
        "sweeps_to_convergence": int(np.max(to_fixed)) if converged else None,
        "wall_time_s": float(ds.attrs["wall_time_s"]),
        "out": None,
    }


def _simulate_table(s: dict) -> str:
    conv = s["sweeps_to_convergence"]
    if conv is None:
        conv_text = "n/a (T > 0)" if s["temperature"] > 0 else f"not reached in {s['n_sweeps']}"
    else:
        conv_text = str(conv)
    chains = f"{s['n_chains']} chain" + ("s" if s["n_chains"] > 1 else "")
    rows = [
        f"N = {s['n_neurons']}, K = {s['n_memories']} (alpha = {s['alpha']:.4g}), p = {s['p']}, "
        f"T = {s['temperature']:g}, {s['dynamics']}, {chains}",
        f"  {'overlap with cued memory':<28}{s['overlap']:.4f}",
        f"  {'energy per spin':<28}{s['energy_per_spin']:.4f}",
        f"  {'sweeps to convergence':<28}{conv_text}",
        f"  {'wall time':<28}{s['wall_time_s']:.3f} s",
    ]
    if s["out"]:
        rows.append(f"  {'written':<28}{s['out']}")
    return "\n".join(rows)


if __name__ == "__main__":  # pragma: no cover
    main()
