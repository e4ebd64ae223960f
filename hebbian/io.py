"""Atomic writes: a file is either complete or absent, never half-written.

One helper, :func:`atomic_write`, writes every file the package produces (results,
checkpoints, figures, the reproduction summary): the content goes to a temporary name
in the target folder, which is renamed over the target once complete; on any error,
Ctrl-C included, the temporary file is removed. :func:`output_path` applies the rules
for output paths that every command shares (a folder means "inside it, default name";
an unknown extension is an error; an existing file is replaced only with ``force``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = [
    "OutputExistsError",
    "atomic_write",
    "check_writable",
    "output_path",
    "save_figure",
    "write_netcdf",
    "write_text",
]


class OutputExistsError(ValueError):
    """The output file exists and ``force`` was not given."""


def check_writable(path: str | os.PathLike) -> Path:
    """Check, before any work, that ``path`` can be created or replaced.

    Raises
    ------
    ValueError
        When the parent folder does not exist or is not writable, or ``path`` is a folder.
    """
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise ValueError(f"output path {str(p)!r} is a directory; give a file name")
    if not parent.is_dir():
        raise ValueError(f"output folder {str(parent)!r} does not exist")
    try:  # a real probe: permission bits, read-only mounts and ACLs all count
        fd, probe = tempfile.mkstemp(prefix=".hebbian-write-check.", dir=parent)
    except OSError:
        raise ValueError(f"output folder {str(parent)!r} is not writable") from None
    os.close(fd)
    os.remove(probe)
    return p


def output_path(
    out: str | os.PathLike | None,
    *,
    default_name: str,
    extensions: Sequence[str],
    force: bool = True,
) -> Path:
    """Resolve an output path by the rules every command shares, before any work.

    Parameters
    ----------
    out : path or None
        What the user gave: None means ``default_name`` in the current folder; an
        existing folder, or a path ending in ``/``, means ``default_name`` inside it.
    default_name : str
        The file name to use when ``out`` names no file.
    extensions : sequence of str
        Allowed suffixes (``".nc"``, ``".png"``, ...); any other is an error.
    force : bool
        Replace an existing file; when False an existing file is an error.

    Raises
    ------
    ValueError
        Unknown extension, missing or unwritable folder
        (:class:`OutputExistsError` for an existing file without ``force``).
    """
    text = "" if out is None else os.fspath(out)
    if not text or text.endswith(("/", os.sep)) or Path(text).is_dir():
        path = Path(text or ".") / default_name
    else:
        path = Path(text)
    if path.suffix.lower() not in extensions:
        raise ValueError(
            f"output file {str(path)!r} must end in {' or '.join(extensions)}, "
            f"got {path.suffix or 'no extension'!r}"
        )
    if text and not Path(text).is_dir() and text.endswith(("/", os.sep)):
        raise ValueError(f"output folder {text!r} does not exist")
    if path.exists() and not force:
        raise OutputExistsError(f"{str(path)!r} exists; use --force to replace it")
    return check_writable(path)


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> Path:
    """Write ``path`` atomically: ``write(tmp)`` fills a temporary file, then a rename.

    The temporary file is in the target folder (so the rename is atomic) and gets the
    usual mode ``0666 & ~umask``; on any error it is removed and ``path`` is untouched.
    """
    p = check_writable(path)
    folder = p.parent if str(p.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        write(tmp)
        umask = os.umask(0)  # mkstemp creates 0600; give the file the usual mode
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return p


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write a text file atomically (:func:`atomic_write`)."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)

    return atomic_write(path, write)


def write_netcdf(dataset, path: str | os.PathLike) -> Path:
    """Write an :class:`xarray.Dataset` to NetCDF-4 (h5netcdf) atomically."""
    dataset = dataset.copy()
    dataset.attrs = {k: _attr_value(v) for k, v in dataset.attrs.items()}
    return atomic_write(path, lambda tmp: dataset.to_netcdf(tmp, engine="h5netcdf"))


#: PNG metadata of every figure, fixed so that a regenerated figure is byte-identical.
#: Matplotlib's PNG writer adds no date or time (no ``tIME`` chunk, no ``Creation Time``);
#: its one default text chunk is ``Software``, which names the Matplotlib version, and
#: ``None`` removes it. The file then holds only ``IHDR``, ``pHYs`` (the dpi), ``IDAT`` and
#: ``IEND``.
FIGURE_METADATA = {"Software": None}


def save_figure(figure, path: str | os.PathLike, *, dpi: int = 110) -> Path:
    """Save a matplotlib figure as PNG atomically, with fixed metadata (reproducible bytes).

    The bytes depend only on the drawn numbers, the dpi and the versions of Matplotlib,
    FreeType and zlib (not on the date or the machine), so the same figure gives the same
    file; the experiment kinds' ``plot`` methods draw numbers computed identically on
    every CPU.
    """
    return atomic_write(
        path, lambda tmp: figure.savefig(tmp, dpi=dpi, format="png", metadata=FIGURE_METADATA)
    )


def _attr_value(value):
    """NetCDF attributes hold numbers, strings and arrays: map bool and None onto them."""
    if isinstance(value, bool):
        return int(value)
    if value is None:
        return "none"
    return value
