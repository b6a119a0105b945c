"""Running a flow: the runner, how responses are judged, what a run tracks, the session."""
