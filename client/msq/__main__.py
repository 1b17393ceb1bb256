"""``python -m msq``: the same entry point as the ``msq`` command."""

from msq.cli.fast import run

run()
