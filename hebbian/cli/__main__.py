"""``python -m hebbian.cli``: the command line.

Running the package imports ``hebbian.cli`` first, which registers every command on the
group of :mod:`hebbian.cli._app`.
"""

from hebbian.cli._app import main

main()
