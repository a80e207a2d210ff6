"""Benchmarks: a synthetic facility generator and timings that print their figures as JSON."""
