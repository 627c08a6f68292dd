"""Benchmarks that run against their own throw-away database (see bench/README.md)."""
