"""Reading user files with positions: the strict YAML reader, typed field reading, problems.

One toolkit for every file a user writes (flow files, workflow definitions, gate policies,
sandbox configuration): each problem becomes a ``path:line:col`` diagnostic with a hint."""
