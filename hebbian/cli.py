"""The ``hebbian`` command line: thin click commands over the public API.

Bad user input exits with status 2 and one line ``hebbian: error: ...`` on stderr that
names the value and the allowed range: no traceback, and no output file is created.
Heavy modules (NumPy, Numba, xarray) are imported inside the commands, so that
``hebbian --version`` answers at once.
"""

from __future__ import annotations

import functools
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
    help="Site order of a sequential sweep: random (per chain), shared (one per sweep "
    "for all chains, as the GPU needs) or fixed.",
)
@click.option(
    "--device",
    default="auto",
    show_default=True,
    help="auto, cpu or gpu: auto uses the GPU when CuPy sees one and the run allows it "
    "(order shared or fixed).",
)
@click.option(
    "--draws",
    default="host",
    show_default=True,
    help="host or device: where the uniforms are drawn (device: on the GPU, faster, "
    "other chains).",
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
    device,
    draws,
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

    from hebbian._validation import check_choice
    from hebbian.io import check_writable
    from hebbian.models import HebbianModel
    from hebbian.montecarlo.draws import SITE_ORDERS
    from hebbian.montecarlo.dynamics import resolve_dynamics
    from hebbian.montecarlo.engine import DRAWS
    from hebbian.patterns import cue, diluted_patterns, random_patterns

    try:
        _check_simulate_args(
            n_neurons, alpha, p, temperature, cue_noise, dilution, n_sweeps, n_chains, seed
        )
        name = resolve_dynamics(dynamics, temperature)
        _check_device(device)
        check_choice("--draws", draws, DRAWS)
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
    from hebbian.gpu.device import GPUUnavailableError
    from hebbian.montecarlo.engine import simulate as run_simulation

    initial = cue(model.memories[0], noise=cue_noise, n_cues=n_chains, seed=rng)
    try:  # limits that only the engine knows (sizes of exact sums, recorded values) are
        # checked before any sweep runs
        ds = run_simulation(
            model,
            temperature=temperature,
            n_sweeps=n_sweeps,
            n_chains=n_chains,
            dynamics=name,
            site_order=site_order,
            initial=initial,
            seed=rng,
            device=device,
            draws=draws,
        )
    except (ValueError, GPUUnavailableError) as exc:
        raise _bad(str(exc)) from None
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


def _check_device(device: str) -> None:
    from hebbian._validation import check_choice
    from hebbian.gpu.device import DEVICES

    check_choice("--device", device, DEVICES)


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
        "device": ds.attrs["device"],
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
        f"T = {s['temperature']:g}, {s['dynamics']}, {chains} on the {s['device'].upper()}",
        f"  {'overlap with cued memory':<28}{s['overlap']:.4f}",
        f"  {'energy per spin':<28}{s['energy_per_spin']:.4f}",
        f"  {'sweeps to convergence':<28}{conv_text}",
        f"  {'wall time':<28}{s['wall_time_s']:.3f} s",
    ]
    if s["out"]:
        rows.append(f"  {'written':<28}{s['out']}")
    return "\n".join(rows)


def _format_table(headers, rows) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_experiments(as_json):
    """List the experiment configurations that `hebbian run` and `reproduce` know.

    \b
    Example:
      hebbian list
    """
    from hebbian.experiments.config import available_configs, load_config

    entries = []
    for name in available_configs():
        cfg = load_config(name)
        entries.append(
            {
                "name": name,
                "kind": cfg.kind,
                "title": cfg.title,
                "description": cfg.description,
                "reference": cfg.reference,
            }
        )
    if as_json:
        click.echo(json.dumps(entries))
    else:
        click.echo(
            _format_table(
                ["name", "description"], [(e["name"], e["description"]) for e in entries]
            )
        )


def _sweep_options(command):
    """Options shared by `run` and `reproduce` (defined once)."""
    options = [
        click.option(
            "--executor",
            default="processes",
            show_default=True,
            help="serial, processes (local, no server) or dask (a cluster).",
        ),
        click.option(
            "--workers",
            type=int,
            default=None,
            help="Local worker processes (default: the cores).",
        ),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="Dask scheduler, tcp://host:port (implies --executor dask).",
        ),
        click.option(
            "--scheduler-file",
            default=None,
            metavar="PATH",
            help="Dask scheduler file (implies --executor dask).",
        ),
        click.option(
            "--chunk-size",
            type=int,
            default=None,
            help="Grid points per task (default: about 8 tasks per worker).",
        ),
        click.option(
            "--resume",
            is_flag=True,
            help="Require checkpoints to resume from (rerunning resumes anyway).",
        ),
        click.option(
            "--new-run-dir",
            is_flag=True,
            help="If the run directory belongs to another configuration, use a "
            "new one instead of refusing.",
        ),
        click.option(
            "--keep-checkpoints",
            is_flag=True,
            help="Keep the run directory after the result is written.",
        ),
        click.option(
            "--device",
            default="cpu",
            show_default=True,
            help="cpu, gpu or auto: where each grid point runs its chains (designed to give "
            "the CPU's result; the GPU engine is not yet validated on a GPU).",
        ),
        click.option(
            "--draws",
            default="host",
            show_default=True,
            help="host or device: where the uniforms are drawn; device (with --device gpu) "
            "is faster but gives other chains than the CPU.",
        ),
        click.option("--force", is_flag=True, help="Run grids above the size limit."),
        click.option("--quiet", is_flag=True, help="No progress bar, no summary line."),
    ]

    @functools.wraps(command)
    def packed(**kwargs):  # the command receives these options as one dict, `sweep`
        sweep = {key: kwargs.pop(key) for key in _SWEEP_KEYS}
        return command(sweep=sweep, **kwargs)

    for option in reversed(options):
        packed = option(packed)
    return packed


#: The parameters `_sweep_options` adds, in its order.
_SWEEP_KEYS = (
    "executor",
    "workers",
    "scheduler",
    "scheduler_file",
    "chunk_size",
    "resume",
    "new_run_dir",
    "keep_checkpoints",
    "device",
    "draws",
    "force",
    "quiet",
)


def _make_sweep_options(sweep: dict, run_dir):
    """Return the validated :class:`~hebbian.sweep.SweepOptions` of the `sweep` options."""
    from hebbian._validation import check_choice
    from hebbian.gpu.device import GPUUnavailableError
    from hebbian.montecarlo.engine import DRAWS
    from hebbian.sweep import SweepOptions

    executor = "dask" if sweep["scheduler"] or sweep["scheduler_file"] else sweep["executor"]
    try:
        _check_device(sweep["device"])
        check_choice("--draws", sweep["draws"], DRAWS)
        return SweepOptions(
            executor=executor,
            workers=sweep["workers"],
            scheduler=sweep["scheduler"],
            scheduler_file=sweep["scheduler_file"],
            run_dir=run_dir,
            new_run_dir=sweep["new_run_dir"],
            chunk_size=sweep["chunk_size"],
            progress=not sweep["quiet"],
            device=sweep["device"],
            draws=sweep["draws"],
        ).validate()
    except (ValueError, TypeError, GPUUnavailableError) as exc:
        raise _bad(str(exc)) from None


def _run_one(cfg, *, quick, pairs, sweep, run_dir, out):
    """Run one experiment with checkpoints in ``run_dir``; write ``out``."""
    from pathlib import Path

    from hebbian.checkpoint import RunDirectoryMismatch, remove_run_dir
    from hebbian.experiments.run import run_experiment
    from hebbian.io import write_netcdf

    options = _make_sweep_options(sweep, run_dir)
    if sweep["resume"] and not Path(options.run_dir).is_dir():
        raise _bad(f"nothing to resume: run directory {str(options.run_dir)!r} does not exist")
    try:
        ds = run_experiment(
            cfg, quick=quick, overrides=pairs, options=options, force=sweep["force"]
        )
    except (RunDirectoryMismatch, ValueError) as exc:
        # RunDirectoryMismatch, or a parameter the grid points refuse (limits that only
        # the engine knows); finished points stay checkpointed
        raise _bad(str(exc)) from None
    write_netcdf(ds, out)
    if not sweep["quiet"]:
        click.echo(f"{cfg.name}: {ds.attrs['sweep_summary']}", err=True)
    if not sweep["keep_checkpoints"]:
        remove_run_dir(ds.attrs["run_dir"])
    return ds


def _checked_output(out, default):
    from hebbian.io import check_writable

    path = default if out is None else out
    try:
        check_writable(path)
    except ValueError as exc:
        raise _bad(str(exc)) from None
    return path


@main.command()
@click.argument("experiment")
@click.option("--quick", is_flag=True, help="Use the [quick] sizes of the configuration.")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a parameter (TOML syntax), e.g. --set n_samples=4.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Result file (default: ./NAME.nc).",
)
@click.option(
    "--run-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Checkpoint directory (default: the result file with .run).",
)
@_sweep_options
def run(
    experiment,
    quick,
    overrides,
    out,
    run_dir,
    sweep,
):
    """Run an experiment (a name from `hebbian list` or a TOML file) and save the Dataset.

    Finished grid points are checkpointed in the run directory as they complete; if the
    run is interrupted, the same command resumes it and recomputes no finished point.

    \b
    Examples:
      hebbian run amit1987_hopfield_capacity --quick --set n_samples=4 --out cap.nc
      hebbian run amit1987_hopfield_phase_diagram --scheduler tcp://10.0.0.5:8786
    """
    from pathlib import Path

    from hebbian.experiments.config import ConfigError, load_config, parse_override
    from hebbian.experiments.run import check_result, prepare_run

    try:
        cfg = load_config(experiment)
        pairs = [parse_override(text) for text in overrides]
        prepare_run(cfg, quick=quick, overrides=pairs, force=sweep["force"])  # validate first
    except ConfigError as exc:
        raise _bad(str(exc)) from None
    path = _checked_output(out, f"{cfg.name}.nc")
    run_dir = run_dir or str(Path(path).with_suffix(".run"))
    ds = _run_one(cfg, quick=quick, pairs=pairs, sweep=sweep, run_dir=run_dir, out=path)
    click.echo(
        f"{cfg.name}: {ds.attrs['n_points']} points in {ds.attrs['wall_time_s']:.1f} s -> {path}"
    )
    click.echo(_check_table(check_result(ds)))


def _check_table(rows) -> str:
    return _format_table(
        ["quantity", "expected", "obtained", "tolerance", "status"],
        [
            (
                r.quantity,
                f"{r.expected:.6g}",
                f"{r.obtained:.6g}",
                f"{r.tolerance:.3g}",
                "ok" if r.passed else "MISS",
            )
            for r in rows
        ],
    )


def _open_result(path):
    import xarray as xr

    try:
        return xr.load_dataset(path, engine="h5netcdf")
    except (OSError, ValueError) as exc:
        raise _bad(f"cannot read result file {path!r}: {exc}") from None


@main.command()
@click.argument("result", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
def check(result, as_json):
    """Compare a result with the published values of its configuration; exit 1 on a miss.

    \b
    Example:
      hebbian check amit1987_hopfield_capacity.nc
    """
    from hebbian.experiments.config import ConfigError
    from hebbian.experiments.run import check_result

    ds = _open_result(result)
    try:
        rows = check_result(ds)
    except ConfigError as exc:
        raise _bad(str(exc)) from None
    if as_json:
        click.echo(json.dumps([{**vars(r), "passed": r.passed} for r in rows]))
    else:
        click.echo(_check_table(rows))
    if not all(r.passed for r in rows):
        sys.exit(1)


@main.command()
@click.argument("result", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Figure file (default: RESULT with .png).",
)
def plot(result, out):
    """Draw the figure of a result file.

    \b
    Example:
      hebbian plot amit1987_hopfield_capacity.nc --out capacity.png
    """
    from pathlib import Path

    from hebbian.experiments.config import ConfigError

    path = _checked_output(out, str(Path(result).with_suffix(".png")))
    ds = _open_result(result)
    try:
        _save_figure(ds, path)
    except ConfigError as exc:
        raise _bad(str(exc)) from None
    click.echo(f"wrote {path}")


def _save_figure(ds, path):
    import os
    import tempfile

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hebbian.experiments.run import plot_result

    ax = plot_result(ds)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".fig.", suffix=".png", dir=folder)
    os.close(fd)
    try:
        ax.figure.savefig(tmp, dpi=110)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        plt.close(ax.figure)
        if os.path.exists(tmp):
            os.remove(tmp)


@main.command()
@click.option("--quick", is_flag=True, help="Quick sizes (about a minute on 2 cores).")
@click.option(
    "--results-dir",
    type=click.Path(file_okay=False),
    default="results",
    show_default=True,
    help="Where the result files (and run directories) go.",
)
@click.option(
    "--figures-dir",
    type=click.Path(file_okay=False),
    default="figures",
    show_default=True,
    help="Where the figures and summary.md go.",
)
@_sweep_options
def reproduce(
    quick,
    results_dir,
    figures_dir,
    sweep,
):
    """Run every experiment, draw its figure and compare with the published values.

    Writes RESULTS_DIR/NAME.nc, FIGURES_DIR/NAME.png and FIGURES_DIR/summary.md;
    exits 1 if a published value is missed.

    \b
    Example:
      hebbian reproduce --quick
    """
    import os

    from hebbian.experiments.config import available_configs, load_config
    from hebbian.experiments.run import check_result

    for folder in (results_dir, figures_dir):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise _bad(f"cannot create folder {folder!r}: {exc.strerror}") from None
        _checked_output(None, os.path.join(folder, ".write-check"))
    summary, missed = [], 0
    for name in available_configs():
        ds = _run_one(
            load_config(name),
            quick=quick,
            pairs=[],
            sweep=sweep,
            run_dir=os.path.join(results_dir, f"{name}.run"),
            out=os.path.join(results_dir, f"{name}.nc"),
        )
        _save_figure(ds, os.path.join(figures_dir, f"{name}.png"))
        rows = check_result(ds)
        missed += sum(not r.passed for r in rows)
        summary.extend((name, r) for r in rows)
    table = _format_table(
        ["experiment", "quantity", "expected", "obtained", "tolerance", "status"],
        [
            (
                n,
                r.quantity,
                f"{r.expected:.6g}",
                f"{r.obtained:.6g}",
                f"{r.tolerance:.3g}",
                "ok" if r.passed else "MISS",
            )
            for n, r in summary
        ],
    )
    click.echo(table)
    _write_summary(os.path.join(figures_dir, "summary.md"), summary, quick=quick)
    if missed:
        click.echo(f"{missed} published value(s) missed", err=True)
        sys.exit(1)


def _write_summary(path, summary, *, quick):
    import os

    from hebbian._version import __version__

    lines = [
        f"# Reproduction summary ({'quick' if quick else 'full'} sizes, hebbian {__version__})",
        "",
        "| experiment | quantity | expected | obtained | tolerance | status | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in summary:
        lines.append(
            f"| {name} | {r.quantity} | {r.expected:.6g} | {r.obtained:.6g} | "
            f"{r.tolerance:.3g} | {'ok' if r.passed else 'MISS'} | {r.source} |"
        )
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


@main.group()
def solve():
    """Replica-symmetric theory from the command line."""


def _floats(text: str, name: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise _bad(f"{name} must be a comma-separated list of numbers, got {text!r}") from None


def _json_number(x):
    import math

    x = float(x)
    return None if math.isnan(x) else x


@solve.command("hopfield")
@click.option("--alpha", type=float, required=True, help="Load alpha >= 0.")
@click.option("--temperature", type=float, required=True, help="Temperature T >= 0.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def solve_hopfield(alpha, temperature, as_json):
    """Every RS branch of the Hopfield model that exists at (alpha, T): m, q, r, f.

    \b
    Example:
      hebbian solve hopfield --alpha 0.05 --temperature 0.3 --json
    """
    from hebbian._validation import check_real

    try:
        check_real("--alpha", alpha, minimum=0.0)
        check_real("--temperature", temperature, minimum=0.0)
    except ValueError as exc:
        raise _bad(str(exc)) from None
    from hebbian.theory.hopfield import solve_rs

    branches = []
    for branch in ("retrieval", "spin_glass", "paramagnet"):
        sol = solve_rs(alpha, temperature, branch=branch)
        if bool(sol.converged):
            branches.append(
                {
                    "branch": branch,
                    "m": float(sol.m),
                    "q": float(sol.q),
                    "r": float(sol.r),
                    "f": float(sol.f),
                    "converged": True,
                }
            )
    if as_json:
        click.echo(json.dumps({"alpha": alpha, "temperature": temperature, "branches": branches}))
        return
    click.echo(f"Hopfield RS solutions at alpha = {alpha:g}, T = {temperature:g}")
    click.echo(
        _format_table(
            ["branch", "m", "q", "r", "f"],
            [
                (b["branch"], f"{b['m']:.6f}", f"{b['q']:.6f}", f"{b['r']:.6f}", f"{b['f']:.6f}")
                for b in branches
            ],
        )
    )


@solve.command("hopfield-lines")
@click.option(
    "--alphas", default="0.01,0.02,0.05,0.1,0.13", show_default=True, help="Comma-separated loads."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def solve_hopfield_lines(alphas, as_json):
    """Compute the AGS lines T_g, T_M, T_c and T_AT on a list of loads (null: absent).

    \b
    Example:
      hebbian solve hopfield-lines --alphas 0.01,0.05,0.1 --json
    """
    values = _floats(alphas, "--alphas")
    if not values or min(values) < 0:
        raise _bad(f"--alphas must be numbers >= 0, got {alphas!r}")
    from hebbian.theory.hopfield import phase_lines

    lines = phase_lines(values)
    import numpy as np

    data = {
        "alpha": values,
        "T_g": [_json_number(x) for x in np.atleast_1d(lines.freezing)],
        "T_M": [_json_number(x) for x in np.atleast_1d(lines.retrieval_spinodal)],
        "T_c": [_json_number(x) for x in np.atleast_1d(lines.retrieval_transition)],
        "T_AT": [_json_number(x) for x in np.atleast_1d(lines.almeida_thouless)],
    }
    if as_json:
        click.echo(json.dumps(data))
        return
    fmt = lambda x: "-" if x is None else f"{x:.5f}"  # noqa: E731
    click.echo(
        _format_table(
            ["alpha", "T_g", "T_M", "T_c", "T_AT"],
            [
                (f"{a:g}", fmt(g), fmt(m), fmt(c), fmt(t))
                for a, g, m, c, t in zip(
                    data["alpha"], data["T_g"], data["T_M"], data["T_c"], data["T_AT"]
                )
            ],
        )
    )


if __name__ == "__main__":  # pragma: no cover
    main()
