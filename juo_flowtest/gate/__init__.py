"""The release gate: a finished run's results and a policy in, a verdict out."""
