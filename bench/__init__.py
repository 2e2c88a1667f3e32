"""Benchmarks that print their figures (run as scripts: `.venv/bin/python bench/NAME.py`); not installed."""
