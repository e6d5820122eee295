"""Benchmarks, run by hand (python -m export_mgmt.bench.<module>); pytest does not collect them."""
