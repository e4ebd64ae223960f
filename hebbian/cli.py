"""The ``hebbian`` command line: thin click commands over the public API.

Each command parses its options, calls one public function and prints. Bad user input
exits with status 2 and one line ``hebbian: error: ...`` on stderr that names the value
and the allowed range: no traceback, and no output file is created. A missed published
value exits with status 1 (``run``, ``check`` and ``reproduce`` alike); Ctrl-C exits
with status 130 and says how to resume. Output paths follow one rule
(:func:`hebbian.io.output_path`): a folder means "inside it, with the default name", an
unknown extension is an error, and an existing file is replaced only with ``--force``
(``reproduce`` replaces its own outputs and says so). Heavy modules (Numba, xarray,
SciPy, matplotlib) are imported inside the commands, so that ``hebbian --version``
answers at once.
"""

from __future__ import annotations

import functools
import json
import sys

import click

from hebbian._version import __version__
from hebbian.device import DEVICES
from hebbian.montecarlo.draws import SITE_ORDERS
from hebbian.montecarlo.dynamics import DYNAMICS
from hebbian.montecarlo.options import DRAWS
from hebbian.sweep import EXECUTORS

__all__ = ["main"]

_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Interrupted(click.ClickException):
    """Ctrl-C: exit status 130 with a line that says what was kept."""

    exit_code = 130


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
            sys.exit(130)
        except click.ClickException as exc:
            prefix = "" if isinstance(exc, Interrupted) else "error: "
            click.echo(f"hebbian: {prefix}{exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=_HebbianGroup, context_settings=_CONTEXT, invoke_without_command=True)
@click.version_option(__version__, prog_name="hebbian")
@click.pass_context
def main(ctx) -> None:
    """Statistical mechanics of associative memories.

    \b
    Examples:
      hebbian simulate --neurons 2000 --alpha 0.1 --temperature 0 --cue-noise 0.1
      hebbian reproduce --quick
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _bad(message: str) -> click.UsageError:
    return click.UsageError(message)


def _one_line(*errors, flags: dict[str, str] | None = None):
    """Turn the listed exception types raised by the body into one-line usage errors.

    ``flags`` maps the API's parameter names to the command's options, so that a
    message names what the user typed (``n_sweeps must be ...`` -> ``--sweeps must ...``).
    """

    def decorate(body):
        @functools.wraps(body)
        def wrapped(*args, **kwargs):
            try:
                return body(*args, **kwargs)
            except errors as exc:
                message = str(exc)
                name = message.split(" ", 1)[0]
                if flags and name in flags and message.startswith(f"{name} must "):
                    message = flags[name] + message[len(name) :]
                raise _bad(message) from None

        return wrapped

    return decorate


def _output(out, *, default_name: str, extensions, force: bool):
    from hebbian.io import output_path

    try:
        return output_path(out, default_name=default_name, extensions=extensions, force=force)
    except ValueError as exc:
        raise _bad(str(exc)) from None


_FORCE = click.option("--force", is_flag=True, help="Replace an existing output file.")


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


@main.command("list", short_help="List the experiments.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_experiments(as_json):
    """List the experiment configurations that `hebbian run` and `reproduce` know.

    \b
    Example:
      hebbian list
    """
    from hebbian.experiments.config import available_configs, load_config
    from hebbian.experiments.errors import ConfigError

    entries = []
    for name in available_configs():
        try:
            cfg = load_config(name)
        except ConfigError as exc:
            raise _bad(str(exc)) from None
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
        return
    width = max(len(e["name"]) for e in entries)
    for e in entries:
        click.echo(f"{e['name']:<{width}}  {e['description']}")


#: The sweep options of `run` and `reproduce` (defined once), in their order.
_SWEEP_OPTIONS = [
    click.option(
        "--executor",
        type=click.Choice(EXECUTORS),
        default="processes",
        show_default=True,
        help="serial, processes (local, no server) or dask (a cluster).",
    ),
    click.option("--workers", type=int, default=None, help="Local workers (default: the cores)."),
    click.option("--scheduler", default=None, metavar="ADDRESS", help="Dask tcp://host:port."),
    click.option("--scheduler-file", default=None, metavar="PATH", help="Dask scheduler file."),
    click.option("--chunk-size", type=int, default=None, help="Grid points per task."),
    click.option("--resume", is_flag=True, help="Require checkpoints to resume from."),
    click.option(
        "--new-run-dir", is_flag=True, help="Use a new run directory if the old one differs."
    ),
    click.option("--keep-checkpoints", is_flag=True, help="Keep the run directory."),
    click.option(
        "--device",
        type=click.Choice(DEVICES),
        default="cpu",
        show_default=True,
        help="Where each grid point runs its chains (the GPU engine is untested on a GPU).",
    ),
    click.option(
        "--draws",
        type=click.Choice(DRAWS),
        default="host",
        show_default=True,
        help="Where the uniforms are drawn; device (with --device gpu) gives other chains.",
    ),
    click.option("--quiet", is_flag=True, help="No progress bar, no summary line."),
]


def _sweep_options(command):
    """Add the sweep options; the command receives them as one dict, ``sweep``."""
    names = [
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
        "quiet",
    ]

    @functools.wraps(command)
    def packed(**kwargs):
        return command(sweep={key: kwargs.pop(key) for key in names}, **kwargs)

    for option in reversed(_SWEEP_OPTIONS):
        packed = option(packed)
    return packed


def _make_sweep_options(sweep: dict, run_dir):
    """Return the validated :class:`~hebbian.sweep.SweepOptions` of the `sweep` options."""
    from hebbian.device import GPUUnavailableError
    from hebbian.sweep import SweepOptions

    executor = "dask" if sweep["scheduler"] or sweep["scheduler_file"] else sweep["executor"]
    try:
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


def _interrupted(run_dir) -> Interrupted:
    return Interrupted(
        f"aborted; the finished grid points are kept in {str(run_dir)!r}: "
        f"run the same command again to resume"
    )


@main.command(short_help="Run an experiment and save its Dataset.")
@click.argument("experiment")
@click.option("--quick", is_flag=True, help="Use the [quick] sizes of the configuration.")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a parameter (TOML syntax), e.g. --set n_samples=4.",
)
@click.option("--out", default=None, help="Result .nc file or folder (default: ./NAME.nc).")
@click.option("--run-dir", default=None, help="Checkpoints (default: the result with .run).")
@click.option(
    "--force", is_flag=True, help="Run grids above the size limit; replace an existing result."
)
@_sweep_options
def run(experiment, quick, overrides, out, run_dir, force, sweep):
    """Run an experiment (a name from `hebbian list` or a TOML file) and save the Dataset.

    Prints the comparison with the published values and exits 1 if one is missed (as
    `check` and `reproduce` do). Finished grid points are checkpointed in the run
    directory as they complete; if the run is interrupted, the same command resumes it
    and recomputes no finished point.

    \b
    Examples:
      hebbian run amit1987_hopfield_capacity --quick --set n_samples=4 --out cap.nc
      hebbian run amit1987_hopfield_phase_diagram --scheduler tcp://10.0.0.5:8786
    """
    from pathlib import Path

    from hebbian.checkpoint import RunDirectoryMismatch
    from hebbian.experiments.config import ConfigError, load_config, parse_override
    from hebbian.experiments.reproduce import check_table, run_to_file
    from hebbian.experiments.runner import check_result, prepare_run

    try:
        cfg = load_config(experiment)
        pairs = [parse_override(text) for text in overrides]
        prepare_run(cfg, quick=quick, overrides=pairs, force=force)  # validate first
    except ConfigError as exc:
        raise _bad(str(exc)) from None
    path = _output(out, default_name=f"{cfg.name}.nc", extensions=(".nc",), force=force)
    run_dir = run_dir or str(path.with_suffix(".run"))
    options = _make_sweep_options(sweep, run_dir)
    if sweep["resume"] and not Path(options.run_dir).is_dir():
        raise _bad(f"nothing to resume: run directory {str(options.run_dir)!r} does not exist")
    try:
        ds = run_to_file(
            cfg,
            out=path,
            options=options,
            quick=quick,
            overrides=pairs,
            force=force,
            keep_checkpoints=sweep["keep_checkpoints"],
        )
    except KeyboardInterrupt:
        raise _interrupted(options.run_dir) from None
    except (RunDirectoryMismatch, ValueError) as exc:
        # RunDirectoryMismatch, an unreachable cluster, or a parameter the grid points
        # refuse (limits that only the engine knows); finished points stay checkpointed
        raise _bad(str(exc)) from None
    if not sweep["quiet"]:
        click.echo(f"{cfg.name}: {ds.attrs['sweep_summary']}", err=True)
    click.echo(
        f"{cfg.name}: {ds.attrs['n_points']} points in {ds.attrs['wall_time_s']:.1f} s -> {path}"
    )
    rows = check_result(ds)
    click.echo(check_table(rows))
    if not all(r.passed for r in rows):
        sys.exit(1)


def _open_result(path):
    import xarray as xr

    try:
        return xr.load_dataset(path, engine="h5netcdf")
    except (OSError, ValueError) as exc:
        raise _bad(f"cannot read result file {path!r}: {exc}") from None


@main.command(short_help="Compare a result with its published values.")
@click.argument("result", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
def check(result, as_json):
    """Compare a result with the published values of its configuration; exit 1 on a miss.

    \b
    Example:
      hebbian check amit1987_hopfield_capacity.nc
    """
    from hebbian.experiments.errors import ConfigError
    from hebbian.experiments.reproduce import check_table
    from hebbian.experiments.runner import check_result

    ds = _open_result(result)
    try:
        rows = check_result(ds)
    except ConfigError as exc:
        raise _bad(str(exc)) from None
    if as_json:
        click.echo(json.dumps([{**vars(r), "passed": r.passed} for r in rows]))
    else:
        click.echo(check_table(rows))
    if not all(r.passed for r in rows):
        sys.exit(1)


@main.command(short_help="Draw the figure of a result file.")
@click.argument("result", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", default=None, help="Figure .png file or folder (default: RESULT.png).")
@_FORCE
def plot(result, out, force):
    """Draw the figure of a result file (PNG).

    \b
    Example:
      hebbian plot amit1987_hopfield_capacity.nc --out capacity.png
    """
    from pathlib import Path

    from hebbian.experiments.errors import ConfigError
    from hebbian.experiments.reproduce import save_result_figure

    default = Path(result).with_suffix(".png")
    out = default if out is None else out
    path = _output(out, default_name=default.name, extensions=(".png",), force=force)
    ds = _open_result(result)
    try:
        save_result_figure(ds, path)
    except ConfigError as exc:
        raise _bad(str(exc)) from None
    click.echo(f"wrote {path}")


@main.command(short_help="Run every experiment: results, figures, summary.")
@click.option("--quick", is_flag=True, help="Quick sizes (about a minute on 2 cores).")
@click.option("--results-dir", default="results", show_default=True, help="Result files.")
@click.option("--figures-dir", default="figures", show_default=True, help="Figures, summary.md.")
@click.option("--force", is_flag=True, help="Run grids above the size limit.")
@_sweep_options
def reproduce(quick, results_dir, figures_dir, force, sweep):
    """Run every experiment, draw its figure and compare with the published values.

    Writes RESULTS_DIR/NAME.nc, FIGURES_DIR/NAME.png and FIGURES_DIR/summary.md,
    replacing earlier ones (each replaced file is named on stderr); exits 1 if a
    published value is missed. An interrupted run resumes when run again.

    \b
    Example:
      hebbian reproduce --quick
    """
    import os
    from pathlib import Path

    from hebbian.experiments import reproduce as reproduction
    from hebbian.experiments.reproduce import check_table

    options = _make_sweep_options(sweep, None)  # every check before a folder is made
    created = [Path(f) for f in (results_dir, figures_dir) if not Path(f).exists()]
    for folder in (results_dir, figures_dir):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            _remove_empty(created)
            raise _bad(f"cannot create folder {folder!r}: {exc.strerror}") from None
    try:
        for folder in (results_dir, figures_dir):
            _output(folder, default_name="summary.md", extensions=(".md",), force=True)
    except click.UsageError:
        _remove_empty(created)
        raise
    existing = {p.resolve() for d in (results_dir, figures_dir) for p in Path(d).iterdir()}

    def announce(name, paths):  # replacements are announced even with --quiet
        replaced = [p for p in paths if Path(p).resolve() in existing]
        if replaced or not sweep["quiet"]:
            written = ", ".join(f"{p} (replaced)" if p in replaced else str(p) for p in paths)
            click.echo(f"{name}: wrote {written}", err=True)

    try:
        names, rows = reproduction.reproduce(
            quick=quick,
            results_dir=results_dir,
            figures_dir=figures_dir,
            options=options,
            keep_checkpoints=sweep["keep_checkpoints"],
            force=force,
            on_result=announce,
        )
    except KeyboardInterrupt:
        raise _interrupted(results_dir) from None
    except ValueError as exc:
        _remove_empty(created)
        raise _bad(str(exc)) from None
    summary = Path(figures_dir) / "summary.md"
    replaced = " (replaced)" if summary.resolve() in existing else ""
    if replaced or not sweep["quiet"]:
        click.echo(f"wrote {summary}{replaced}", err=True)
    click.echo(check_table(rows, experiments=names))
    missed = sum(not r.passed for r in rows)
    if missed:
        click.echo(f"{missed} published value(s) missed", err=True)
        sys.exit(1)


def _remove_empty(folders) -> None:
    """Remove the folders a failed command created, if they are still empty."""
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            pass


@main.group(short_help="Replica-symmetric theory.", invoke_without_command=True)
@click.pass_context
def solve(ctx):
    """Replica-symmetric theory from the command line."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _finite_list(text: str, name: str) -> list[float]:
    from hebbian._validation import check_real

    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise _bad(f"{name} must be a comma-separated list of numbers, got {text!r}") from None
    if not values:
        raise _bad(f"{name} must list at least one number, got {text!r}")
    try:
        return [check_real(name, v, minimum=0.0) for v in values]
    except ValueError as exc:
        raise _bad(str(exc)) from None


def _json_number(x):
    """Return a float for JSON, or None for NaN and infinities (JSON cannot hold them)."""
    import math

    x = float(x)
    return x if math.isfinite(x) else None


@solve.command("hopfield", short_help="RS branches of the Hopfield model at (alpha, T).")
@click.option("--alpha", type=float, required=True, help="Load alpha >= 0.")
@click.option("--temperature", type=float, required=True, help="Temperature T >= 0.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError)
def solve_hopfield(alpha, temperature, as_json):
    """Every RS branch of the Hopfield model that exists at (alpha, T): m, q, r, f.

    \b
    Example:
      hebbian solve hopfield --alpha 0.05 --temperature 0.3 --json
    """
    from hebbian._validation import check_real
    from hebbian.theory import solve_hopfield as solve_branch

    check_real("--alpha", alpha, minimum=0.0)
    check_real("--temperature", temperature, minimum=0.0)
    branches = []
    for branch in ("retrieval", "spin_glass", "paramagnet"):
        sol = solve_branch(alpha, temperature, branch=branch)
        if bool(sol.converged):
            values = {key: _json_number(getattr(sol, key)) for key in ("m", "q", "r", "f")}
            branches.append({"branch": branch, **values, "converged": True})
    if as_json:
        click.echo(json.dumps({"alpha": alpha, "temperature": temperature, "branches": branches}))
        return
    click.echo(f"Hopfield RS solutions at alpha = {alpha:g}, T = {temperature:g}")
    click.echo(f"{'branch':<12}" + "".join(f"{c:>13}" for c in ("m", "q", "r", "f")))
    for b in branches:
        cells = ["-" if b[key] is None else f"{b[key]:.6g}" for key in ("m", "q", "r", "f")]
        click.echo(f"{b['branch']:<12}" + "".join(f"{c:>13}" for c in cells))


@solve.command("hopfield-lines", short_help="AGS lines T_g, T_M, T_c, T_AT on loads.")
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
    values = _finite_list(alphas, "--alphas")
    import numpy as np

    from hebbian.theory import phase_lines

    lines = phase_lines(values)
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
    click.echo(f"{'alpha':<10}{'T_g':>10}{'T_M':>10}{'T_c':>10}{'T_AT':>10}")
    for row in zip(*data.values()):
        cells = ["-" if x is None else f"{x:.5f}" for x in row[1:]]
        click.echo(f"{row[0]:<10g}" + "".join(f"{c:>10}" for c in cells))


_PATTERNS = click.option(
    "--patterns", "n_patterns", type=int, required=True, help="Number of patterns K (1-10)."
)
_DILUTION = click.option(
    "--dilution", type=float, required=True, help="Fraction d of blank entries, in [0, 1)."
)
_NORMALIZED = click.option(
    "--normalized", is_flag=True, help="Divide H by 1 - d, so that T_c = 1 (default: T_c = 1 - d)."
)


def _number_or_none(x):
    return None if x is None else _json_number(x)


@solve.command("multitasking", short_help="Low-load states of the multitasking network.")
@_PATTERNS
@_DILUTION
@click.option("--temperature", type=float, required=True, help="Temperature T >= 0.")
@_NORMALIZED
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError)
def solve_multitasking(n_patterns, dilution, temperature, normalized, as_json):
    """List every low-load state of a network with diluted patterns at (K, d, T), lowest f first.

    Pure, hierarchical (cascade), parallel (symmetric) and mixture states with their
    overlaps m, free energy f, and stability (Agliari et al., PRL 109, 268101 (2012)).

    \b
    Example:
      hebbian solve multitasking --patterns 3 --dilution 0.3 --temperature 0.1 --json
    """
    from hebbian.theory import multitasking_states

    states = multitasking_states(n_patterns, dilution, temperature, normalized=normalized)
    rows = [
        {
            "state": str(s.name),
            "m": [_json_number(x) for x in s.overlaps],
            "f": _json_number(s.free_energy),
            "stable": bool(s.stable),
            "converged": bool(s.converged),
        }
        for s in states
    ]
    if as_json:
        click.echo(
            json.dumps(
                {"K": n_patterns, "dilution": dilution, "temperature": temperature, "states": rows}
            )
        )
        return
    click.echo(f"multitasking states at K = {n_patterns}, d = {dilution:g}, T = {temperature:g}")
    for r in rows:
        m = ", ".join(f"{x:.4f}" for x in r["m"])
        click.echo(
            f"  {r['state']:<13} f = {r['f']:.6f}  {'stable  ' if r['stable'] else 'unstable'}"
            f"  m = ({m})"
        )


@solve.command("multitasking-thresholds", short_help="Dilution thresholds d_c(K) and d*(K).")
@_PATTERNS
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError)
def solve_multitasking_thresholds(n_patterns, as_json):
    """Compute the dilution thresholds of the multitasking network with K patterns.

    d_c: the T = 0 cascade m_k = (1 - d) d^(k-1) is a fixed point iff d < d_c
    (d + ... + d^(K-1) < 1). d_star: the parallel state is stable just below T_c iff
    d > d_star; d_star_any: the dilution above which it is stable at some temperature.

    \b
    Example:
      hebbian solve multitasking-thresholds --patterns 3 --json
    """
    from hebbian.theory import hierarchical_threshold_dilution, parallel_threshold_dilution

    data = {
        "K": n_patterns,
        "d_c": _json_number(hierarchical_threshold_dilution(n_patterns)),
        "d_star": _json_number(parallel_threshold_dilution(n_patterns, window="critical")),
        "d_star_any": _json_number(parallel_threshold_dilution(n_patterns, window="any")),
    }
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(f"K = {n_patterns}")
    click.echo(f"  d_c         {data['d_c']:.6f}   cascade is a T = 0 fixed point below")
    click.echo(f"  d_star      {data['d_star']:.6f}   parallel state stable just below T_c above")
    click.echo(f"  d_star_any  {data['d_star_any']:.6f}   parallel state stable at some T above")


@solve.command("multitasking-window", short_help="Where the parallel state is stable in T.")
@_PATTERNS
@_DILUTION
@_NORMALIZED
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError)
def solve_multitasking_window(n_patterns, dilution, normalized, as_json):
    """Find the temperatures where the parallel (symmetric) state is stable at (K, d).

    T_p is the lower end of the interval that ends at T_c (null when the parallel state
    is unstable just below T_c); stable_intervals lists every interval.

    \b
    Example:
      hebbian solve multitasking-window --patterns 2 --dilution 0.8 --json
    """
    from hebbian.theory import (
        critical_temperature,
        parallel_onset_temperature,
        parallel_stability_intervals,
    )

    intervals = parallel_stability_intervals(n_patterns, dilution, normalized=normalized)
    data = {
        "K": n_patterns,
        "dilution": dilution,
        "T_p": _number_or_none(
            parallel_onset_temperature(n_patterns, dilution, normalized=normalized)
        ),
        "T_c": _json_number(critical_temperature(dilution, normalized=normalized)),
        "stable_intervals": [[float(lo), float(hi)] for lo, hi in intervals],
    }
    if as_json:
        click.echo(json.dumps(data))
        return
    t_p = "none (unstable just below T_c)" if data["T_p"] is None else f"{data['T_p']:.6f}"
    click.echo(f"K = {n_patterns}, d = {dilution:g}: T_c = {data['T_c']:.6f}, T_p = {t_p}")
    for lo, hi in data["stable_intervals"]:
        click.echo(f"  stable for {lo:.6f} < T < {hi:.6f}")


_ORDER = click.option("--p", "p", type=int, required=True, help="Interaction order p (2-20).")
_RHO = click.option(
    "--rho", type=float, default=None, help="Dataset entropy rho >= 0 (needs --learning)."
)
_LEARNING = click.option(
    "--learning",
    type=click.Choice(["supervised", "unsupervised"]),
    default=None,
    help="Learn archetypes from examples (default: store the patterns).",
)
_DENSE_FLAGS = {"p": "--p", "alpha": "--alpha", "temperature": "--temperature", "rho": "--rho",
                "n_examples": "--examples"}  # fmt: skip


def _learning_settings(rho, learning):
    """Check that --rho and --learning come together; return rho (0 for pure storage)."""
    if rho is not None and learning is None:
        raise _bad("--rho needs --learning supervised|unsupervised")
    if learning is not None and rho is None:
        raise _bad("--learning needs --rho (the dataset entropy)")
    return rho


@solve.command("dense", short_help="RS branches of a dense (p-body) network at (alpha, T).")
@_ORDER
@click.option("--alpha", type=float, required=True, help="Load alpha = K / N^(p-1) >= 0.")
@click.option("--temperature", type=float, required=True, help="Temperature T >= 0.")
@_RHO
@_LEARNING
@click.option(
    "--examples",
    "n_examples",
    type=int,
    default=None,
    help="Examples per archetype M (exact binomial mode; default: large M).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, flags=_DENSE_FLAGS)
def solve_dense(p, alpha, temperature, rho, learning, n_examples, as_json):
    """Every RS branch of the p-spin Hopfield model at (alpha, T), or its learning state.

    Storage (H = -(N/p!) sum_k m_k^p, K = alpha N^(p-1)): retrieval, spin glass and
    paramagnet with m, q, f (p = 2 is the AGS model). With --rho and --learning: the
    retrieval state of a network trained on examples, with the archetype overlap m and
    the example overlap n (at alpha > 0 only the supervised theory exists).

    \b
    Examples:
      hebbian solve dense --p 3 --alpha 0.05 --temperature 0.1 --json
      hebbian solve dense --p 3 --alpha 0 --temperature 0 --rho 0.5 --learning supervised
    """
    from hebbian.theory import solve_dense as solve_branch
    from hebbian.theory import solve_dense_learning

    rho = _learning_settings(rho, learning)
    if n_examples is not None and learning is None:
        raise _bad("--examples needs --learning and --rho")
    branches = []
    if learning is None:
        for branch in ("retrieval", "spin_glass", "paramagnet"):
            sol = solve_branch(p, alpha, temperature, branch=branch)
            if bool(sol.converged):
                values = {key: _json_number(getattr(sol, key)) for key in ("m", "q", "f")}
                branches.append({"branch": branch, **values, "n": None, "converged": True})
    else:
        sol = solve_dense_learning(
            p, rho, temperature, alpha=alpha, learning=learning, n_examples=n_examples
        )
        if bool(sol.converged):
            values = {key: _json_number(getattr(sol, key)) for key in ("m", "n", "q")}
            branches.append({"branch": "retrieval", **values, "f": None, "converged": True})
    data = {
        "p": p,
        "alpha": alpha,
        "temperature": temperature,
        "rho": rho,
        "learning": learning,
        "n_examples": n_examples,
        "branches": [
            {k: b[k] for k in ("branch", "m", "n", "q", "f", "converged")} for b in branches
        ],  # fmt: skip
    }
    if as_json:
        click.echo(json.dumps(data))
        return
    what = "storage" if learning is None else f"{learning} learning, rho = {rho:g}"
    click.echo(f"dense p = {p} at alpha = {alpha:g}, T = {temperature:g} ({what})")
    if not branches:
        click.echo("  no retrieval state")
    for b in data["branches"]:
        cells = "  ".join(
            f"{key} = {'-' if b[key] is None else f'{b[key]:.6g}'}" for key in ("m", "n", "q", "f")
        )
        click.echo(f"  {b['branch']:<11} {cells}")


@solve.command("dense-capacity", short_help="Critical load alpha_c of a dense network at T = 0.")
@_ORDER
@_RHO
@_LEARNING
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, flags=_DENSE_FLAGS)
def solve_dense_capacity(p, rho, learning, as_json):
    """Compute the RS critical load alpha_c (K = alpha_c N^(p-1)) at T = 0 and m there.

    Storage: alpha_c(3) = 0.1261 (m = 0.8385), p = 2 gives AGS 0.1379. With --rho and
    --learning supervised: the largest load at which a network trained on examples of
    dataset entropy rho still retrieves the archetypes.

    \b
    Examples:
      hebbian solve dense-capacity --p 3 --json
      hebbian solve dense-capacity --p 2 --rho 0.05 --learning supervised --json
    """
    from hebbian.theory import (
        dense_critical_capacity,
        dense_learning_capacity,
        solve_dense_learning,
    )

    rho = _learning_settings(rho, learning)
    if learning == "unsupervised":
        raise _bad(
            "--learning unsupervised: the high-load theory of the unsupervised rule is not "
            "derived here; use supervised"
        )
    if learning is None:
        cap = dense_critical_capacity(p)
        alpha_c, m = cap.alpha_c, cap.m
    else:
        alpha_c = float(dense_learning_capacity(p, rho))
        m = float(solve_dense_learning(p, rho, 0.0, alpha=alpha_c * (1 - 1e-9)).m)
    data = {"p": p, "rho": rho, "learning": learning, "alpha_c": _json_number(alpha_c),
            "m": _json_number(m)}  # fmt: skip
    if as_json:
        click.echo(json.dumps(data))
        return
    what = "storage" if learning is None else f"supervised learning, rho = {rho:g}"
    click.echo(f"dense p = {p} ({what}): alpha_c = {alpha_c:.6f}, m(alpha_c) = {m:.6f}")


@solve.command("gardner", short_help="Gardner's optimal capacity alpha_c(kappa, m).")
@click.option("--kappa", type=float, default=0.0, show_default=True,
              help="Stability kappa, in [-10, 10].")  # fmt: skip
@click.option("--magnetization", type=float, default=0.0, show_default=True,
              help="Pattern magnetization m, in (-1, 1).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, flags={"kappa": "--kappa", "magnetization": "--magnetization"})
def solve_gardner(kappa, magnetization, as_json):
    """Compute the largest load alpha_c = K/N at which K patterns all have stability kappa.

    Gardner's volume (J. Phys. A 21, 257 (1988)): alpha_c(0) = 2 for unbiased patterns;
    with --magnetization m the patterns are biased, and alpha_c grows as |m| -> 1. This
    is the capacity of the best couplings (the measure: every pattern a fixed point
    with margin kappa), which the Krauth-Mezard and Gardner rules approach.

    \b
    Examples:
      hebbian solve gardner --kappa 0 --json
      hebbian solve gardner --kappa 0.5 --magnetization 0.4
    """
    from hebbian.theory import gardner_capacity

    alpha_c = float(gardner_capacity(kappa, magnetization))
    if as_json:
        click.echo(json.dumps({"kappa": kappa, "magnetization": magnetization,
                               "alpha_c": _json_number(alpha_c)}))  # fmt: skip
        return
    click.echo(f"Gardner: kappa = {kappa:g}, m = {magnetization:g}: alpha_c = {alpha_c:.6f}")


if __name__ == "__main__":  # pragma: no cover
    main()
