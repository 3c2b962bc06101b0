"""Property tests: random levels from the synthetic generator."""
