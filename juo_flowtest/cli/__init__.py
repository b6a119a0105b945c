"""The ``juo-flowtest`` command: run, lint, schema, sandbox, report, gate."""
