"""Secrets out of every log line pytest captures, prints or writes.

pytest's logging plugin installs its handlers (the report sections that reach the terminal,
JUnit XML and Allure; ``--log-cli-level``'s live output; ``--log-file``) on the root logger for
each phase of each test. The one ``SecretFilter`` goes on each of them, and on any handler the
root logger already has, once the session starts: every record they emit, from httpx, httpcore,
the sandbox or a user's conftest, is scrubbed with the secrets known when it is emitted.
"""

from __future__ import annotations

import logging

import pytest

from juo_flowtest.base.logfilter import SecretFilter, attach
from juo_flowtest.base.secrets import SecretSet


def hide_secrets_in_logs(config: pytest.Config, secrets: SecretSet) -> SecretFilter:
    """Attach one ``SecretFilter`` reading ``secrets`` to every handler that emits records."""
    log_filter = SecretFilter(lambda: secrets.values)
    plugin = config.pluginmanager.get_plugin("logging-plugin")
    found = vars(plugin).values() if plugin is not None else ()  # None: -p no:logging
    handlers = [value for value in found if isinstance(value, logging.Handler)]
    attach([*handlers, *logging.getLogger().handlers], log_filter)
    return log_filter
