"""juo-flowtest: declarative test automation for Juo workflow flows."""

__version__ = "0.1.0"
