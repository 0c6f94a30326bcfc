"""Benchmarks of the kit (``make bench``); figures go in the README, not in pass/fail tests."""
