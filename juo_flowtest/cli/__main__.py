"""``python -m juo_flowtest.cli``: the ``juo-flowtest`` command."""

from juo_flowtest.cli.main import entry

entry()
