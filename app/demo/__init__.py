"""Synthetic demo data: realistic cases for demos, tests and benchmarks (not a use case
of the product, so it stays out of app/services)."""
