"""Benchmarks: each prints ratios of two costs measured in the same run, since these machines are noisy."""
