"""Run experiments to files: one result with its checkpoints, or every figure of the README.

* :func:`run_to_file` -- run one configuration with checkpoints in a run directory,
  write the Dataset atomically, remove the run directory;
* :func:`save_result_figure` -- draw a result and write the PNG (byte-identical on
  regeneration: :func:`hebbian.io.save_figure`);
* :func:`reproduce` -- every installed configuration: results, figures and
  ``summary.md``;
* :func:`check_table` and :func:`summary_markdown` -- the one formatter of the
  comparison with published values, as text and as Markdown.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from hebbian._version import __version__
from hebbian.experiments.config import ExperimentConfig, available_configs, load_config
from hebbian.experiments.runner import CheckRow, check_result, plot_result, run_experiment
from hebbian.io import save_figure, write_netcdf, write_text
from hebbian.sweep import SweepOptions

__all__ = [
    "check_table",
    "reproduce",
    "run_to_file",
    "save_result_figure",
    "summary_markdown",
]


def run_to_file(
    config: ExperimentConfig,
    *,
    out: str | os.PathLike,
    options: SweepOptions,
    quick: bool = False,
    overrides: Sequence = (),
    force: bool = False,
    keep_checkpoints: bool = False,
):
    """Run ``config`` with checkpoints in ``options.run_dir`` and write the result to ``out``.

    An interrupted run (Ctrl-C, ``kill -9``) keeps its finished points in the run
    directory and resumes from them when called again; the run directory is removed
    once ``out`` is written, unless ``keep_checkpoints``. Returns the Dataset.
    """
    from hebbian.checkpoint import remove_run_dir

    ds = run_experiment(config, quick=quick, overrides=overrides, options=options, force=force)
    write_netcdf(ds, out)
    if not keep_checkpoints:
        remove_run_dir(ds.attrs["run_dir"])
    return ds


def save_result_figure(ds, path: str | os.PathLike) -> Path:
    """Draw a result Dataset with its kind's figure and write it as PNG (atomically)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_result(ds)
    try:
        return save_figure(ax.figure, path)
    finally:
        plt.close(ax.figure)


def check_table(rows: Sequence[CheckRow], *, experiments: Sequence[str] | None = None) -> str:
    """Return the comparison with published values as an aligned text table."""
    headers = ["quantity", "expected", "obtained", "tolerance", "status"]
    cells = [_row_cells(r) for r in rows]
    if experiments is not None:
        headers = ["experiment", *headers]
        cells = [[name, *row] for name, row in zip(experiments, cells)]
    table = [headers] + cells
    widths = [max(len(r[i]) for r in table) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary_markdown(names: Sequence[str], rows: Sequence[CheckRow], *, quick: bool) -> str:
    """Return the reproduction summary (``figures/summary.md``) as Markdown."""
    lines = [
        f"# Reproduction summary ({'quick' if quick else 'full'} sizes, hebbian {__version__})",
        "",
        "| experiment | quantity | expected | obtained | tolerance | status | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in zip(names, rows):
        lines.append(f"| {name} | {' | '.join(_row_cells(r))} | {r.source} |")
    return "\n".join(lines) + "\n"


def _row_cells(r: CheckRow) -> list[str]:
    return [
        r.quantity,
        f"{r.expected:.6g}",
        f"{r.obtained:.6g}",
        f"{r.tolerance:.3g}",
        "ok" if r.passed else "MISS",
    ]


def reproduce(
    *,
    quick: bool,
    results_dir: str | os.PathLike,
    figures_dir: str | os.PathLike,
    options: SweepOptions,
    keep_checkpoints: bool = False,
    force: bool = False,
    on_result: Callable[[str, list[Path]], None] | None = None,
) -> tuple[list[str], list[CheckRow]]:
    """Run every installed configuration; write its result, its figure and ``summary.md``.

    Writes ``results_dir/NAME.nc`` (checkpoints in ``results_dir/NAME.run``),
    ``figures_dir/NAME.png`` and ``figures_dir/summary.md``, replacing earlier ones.
    ``options.run_dir`` is ignored (each experiment has its own). ``on_result(name,
    paths)`` is called after each experiment with the files written.

    Returns
    -------
    names, rows : list of str, list of CheckRow
        One entry per published value: the experiment and its comparison.
    """
    import dataclasses

    names, rows = [], []
    for name in available_configs():
        result = Path(results_dir) / f"{name}.nc"
        figure = Path(figures_dir) / f"{name}.png"
        run_options = dataclasses.replace(options, run_dir=Path(results_dir) / f"{name}.run")
        ds = run_to_file(
            load_config(name),
            out=result,
            options=run_options,
            quick=quick,
            force=force,
            keep_checkpoints=keep_checkpoints,
        )
        save_result_figure(ds, figure)
        if on_result is not None:
            on_result(name, [result, figure])
        for row in check_result(ds):
            names.append(name)
            rows.append(row)
    write_text(Path(figures_dir) / "summary.md", summary_markdown(names, rows, quick=quick))
    return names, rows
