"""Atomic writes of results: a file is either complete or absent, never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["check_writable", "write_netcdf"]


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


def write_netcdf(dataset, path: str | os.PathLike) -> Path:
    """Write an :class:`xarray.Dataset` to NetCDF-4 (h5netcdf) atomically.

    The file is written under a temporary name in the same folder and renamed over
    ``path`` when complete; on any error the temporary file is removed.
    """
    p = check_writable(path)
    dataset = dataset.copy()
    dataset.attrs = {k: _attr_value(v) for k, v in dataset.attrs.items()}
    fd, tmp = tempfile.mkstemp(
        prefix=f".{p.name}.", suffix=".tmp", dir=p.parent if str(p.parent) else "."
    )
    os.close(fd)
    try:
        dataset.to_netcdf(tmp, engine="h5netcdf")
        umask = os.umask(0)  # mkstemp creates 0600; give the file the usual mode
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return p


def _attr_value(value):
    """NetCDF attributes hold numbers, strings and arrays: map bool and None onto them."""
    if isinstance(value, bool):
        return int(value)
    if value is None:
        return "none"
    return value
