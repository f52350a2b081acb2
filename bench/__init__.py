"""The newsroom-scale benchmark behind `make bench` (see BENCHMARKS.md for the latest results).

bench.run seeds throwaway databases at each size, times every public page in
processes of their own (bench.measure) against a hand-written floor
(bench.floor), loads a gunicorn server with wrk (bench.throughput) and writes
the report (bench.report). Nothing here runs in the test suite except
tests/test_bench_harness.py, which proves the harness still works.
"""

# Where bench.urls routes the floor; here, so the harness can name it without Django set up.
FLOOR_PATH = "/bench/floor/"
# Each page is timed for this long at least, however many requests that takes. A cached
# page answers in 0.3 ms: its 100 requests took 30 ms, and one spell of load from elsewhere
# on the machine could move their median by half (the floor, the same work at every size,
# once "grew" 1.39 times with the cache on).
MIN_TIMED_SECONDS = 0.5


class HarnessError(Exception):
    """The benchmark cannot go on: a page failed, a tool is missing, a command broke."""
