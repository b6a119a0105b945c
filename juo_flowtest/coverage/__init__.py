"""Workflow coverage: the one model the terminal, the report and the gate share."""
