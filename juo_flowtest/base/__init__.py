"""The base layer: positions, diagnostics, errors, exit codes, outcomes, templates, secrets.

Everything in the package may import it; it imports nothing of ours."""
