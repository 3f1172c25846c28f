"""Njia's benchmarks: match latency and throughput against baselines, 1k to 1M services.

Run ``.venv/bin/python -m benchmarks.run --help`` (or ``make bench``); see docs/benchmarks.md.
Nothing here is imported by the application or the tests.
"""
