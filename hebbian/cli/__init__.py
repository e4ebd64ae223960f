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

The commands live in one module per family of commands (``simulate``, ``learn``,
``experiments``: list, run, check, plot, reproduce; ``solve``; ``vsa``: the vector symbolic
architectures and resonator networks; ``attention``: attention layers as associative
memories), each registering itself
on the group of :mod:`hebbian.cli._app`.
"""

from hebbian.cli import attention, experiments, learn, simulate, solve, vsa  # noqa: F401
from hebbian.cli._app import main

__all__ = ["main"]
