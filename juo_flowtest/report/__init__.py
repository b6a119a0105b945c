"""Reporting: Allure results written live, and the single-file HTML report."""
