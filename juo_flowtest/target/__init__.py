"""The target environment: its settings, the Juo API client, and the run-state contract."""
