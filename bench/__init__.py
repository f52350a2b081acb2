"""The newsroom-scale benchmark behind `make bench` (see BENCHMARKS.md for the latest results).

bench.run seeds throwaway databases at each size, times every public page in
processes of their own (bench.measure) against a hand-written floor
(bench.floor), loads a gunicorn server with wrk (bench.throughput) and writes
the report (bench.report). Nothing here runs in the test suite except
tests/test_bench_harness.py, which proves the harness still works.
"""

# Where bench.urls routes the floor; here, so the harness can name it without Django set up.
FLOOR_PATH = "/bench/floor/"


class HarnessError(Exception):
    """The benchmark cannot go on: a page failed, a tool is missing, a command broke."""
