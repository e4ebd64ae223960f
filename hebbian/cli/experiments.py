"""The experiment commands: ``list``, ``run``, ``check``, ``plot`` and ``reproduce``."""

from __future__ import annotations

import functools
import json
import sys

import click

from hebbian.cli._app import _FORCE, Interrupted, _bad, _output, main
from hebbian.device import DEVICES
from hebbian.montecarlo.options import DRAWS
from hebbian.sweep import EXECUTORS


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
@click.option("--quick", is_flag=True, help="Quick sizes (a few minutes on 2 cores).")
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
