"""The expectation language: matchers, operators and literals compiled from ``expect`` blocks."""
