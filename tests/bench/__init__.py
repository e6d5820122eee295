"""Benchmarks, run by hand (python -m tests.bench.<module>); pytest does not collect them."""
