"""Ratios, targets and the text of BENCHMARKS.md, from the measurements.

`runs` maps (database, size) to {"off": ..., "on": ...}: what bench.measure found
with the cache off and on. Growth divides a page's median at the largest size by
its median at the smallest; "× floor" divides it by the floor's median measured
in the same process.
"""

import copy
import operator
import statistics
from dataclasses import dataclass

from bench import MIN_TIMED_SECONDS

FLOOR = "floor"
TRACKER = "tracker"
# The most a page's median may grow from the smallest size to the largest.
GROWTH_LIMITS = {"on": ("≤", operator.le, 1.5), "off": ("<", operator.lt, 3)}
QUERY_LIMIT = 8
TRACKER_FLOOR_LIMIT = 4
STATIC_SHARE_LIMIT = 0.4
CACHES = {"off": "uncached", "on": "cached"}
NOTES_START, NOTES_END = "<!-- notes -->", "<!-- /notes -->"


@dataclass(frozen=True)
class Target:
    passed: bool | None  # None: could not be checked in this run
    text: str

    def __str__(self):
        verdict = {True: "PASS", False: "MISS", None: "SKIP"}[self.passed]
        return f"{verdict}  {self.text}"


@dataclass(frozen=True)
class Document:
    markdown: str
    summary: str


def size_label(size):
    return f"{size:,}".replace(",", " ")


def databases_and_sizes(runs):
    databases = list(dict.fromkeys(database for database, _ in runs))
    return databases, sorted({size for _, size in runs})


def pages_of(run):
    return {page["name"]: page for page in run["pages"]}


def page_names(runs):
    return [page["name"] for page in next(iter(runs.values()))["off"]["pages"]]


def growth(runs, database, page_name, cache):
    """The page's median at the largest size over its median at the smallest (None: one size)."""
    _, sizes = databases_and_sizes(runs)
    if len(sizes) < 2:
        return None
    small = pages_of(runs[database, sizes[0]][cache])[page_name]
    large = pages_of(runs[database, sizes[-1]][cache])[page_name]
    return large["median_ms"] / small["median_ms"]


def floor_ratio(run, page_name):
    pages = pages_of(run)
    return pages[page_name]["median_ms"] / pages[FLOOR]["median_ms"]


def _ratio(value):
    return "–" if value is None else f"{value:.2f}"


def _milliseconds(page):
    return f"{page['median_ms']:.1f} / {page['p95_ms']:.1f}"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(map(str, row)) + " |" for row in rows)])


def results_table(runs):
    """(markdown table, footnotes): a row per database and page, columns per size."""
    databases, sizes = databases_and_sizes(runs)
    header = ["database", "page"]
    for size in sizes:
        label = size_label(size)
        header += [
            f"{label}: uncached ms",
            f"{label}: cached ms",
            f"{label}: queries",
            f"{label}: × floor",
        ]
    header += ["growth uncached", "growth cached"]
    rows, footnotes = [], []
    for database in databases:
        for name in page_names(runs):
            row = [database, name]
            for size in sizes:
                run = runs[database, size]
                off, on = pages_of(run["off"])[name], pages_of(run["on"])[name]
                row += [
                    _milliseconds(off),
                    _milliseconds(on),
                    f"{off['queries']} / {on['queries']}",
                    f"{floor_ratio(run['off'], name):.2f} / {floor_ratio(run['on'], name):.2f}",
                ]
                if off["note"]:
                    footnotes.append(
                        f"{name}, {database}, {size_label(size)} claims: {off['note']}."
                    )
            row += [_ratio(growth(runs, database, name, cache)) for cache in CACHES]
            rows.append(row)
    return _table(header, rows), list(dict.fromkeys(footnotes))


def addresses_table(runs):
    """Where each page was measured: the speaker, claim, dates and words came from the data."""
    rows = []
    for (database, size), run in runs.items():
        for page in run["off"]["pages"]:
            address = page["path"].replace("|", "%7C")
            rows.append([database, size_label(size), page["name"], f"`{address}`", page["bytes"]])
    return _table(["database", "claims", "page", "address", "bytes (uncached)"], rows)


def _growth_target(runs, database, cache):
    _, sizes = databases_and_sizes(runs)
    sign, within, limit = GROWTH_LIMITS[cache]
    wording = f"{CACHES[cache]} growth {sign} {limit}"
    if len(sizes) < 2:
        return Target(None, f"{wording} ({database}): one size only")
    span = f"{database}, {size_label(sizes[-1])} vs {size_label(sizes[0])} claims"
    values = {
        name: growth(runs, database, name, cache) for name in page_names(runs) if name != FLOOR
    }
    if misses := {name: value for name, value in values.items() if not within(value, limit)}:
        listed = ", ".join(f"{name} {value:.2f}" for name, value in misses.items())
        return Target(False, f"{wording} ({span}): {listed}")
    worst = max(values, key=values.get)
    return Target(True, f"{wording} ({span}): the highest, {worst}, {values[worst]:.2f}")


def _query_targets(runs, database):
    _, sizes = databases_and_sizes(runs)
    too_many, changing = [], []
    for name in page_names(runs):
        for cache, adjective in CACHES.items():
            counts = [pages_of(runs[database, size][cache])[name]["queries"] for size in sizes]
            if max(counts) > QUERY_LIMIT:
                too_many.append(f"{name} ({adjective}) {max(counts)}")
            if len(set(counts)) > 1:
                changing.append(f"{name} ({adjective}) {' → '.join(map(str, counts))}")
    sizes_text = " and ".join(size_label(size) for size in sizes)
    return [
        Target(
            not too_many,
            f"at most {QUERY_LIMIT} queries a page ({database})"
            + (f": {', '.join(too_many)}" if too_many else ""),
        ),
        Target(
            not changing,
            f"the same number of queries at {sizes_text} claims ({database})"
            + (f": {', '.join(changing)}" if changing else ""),
        ),
    ]


def page_targets(runs):
    databases, sizes = databases_and_sizes(runs)
    targets = []
    for database in databases:
        targets += [_growth_target(runs, database, "on"), _growth_target(runs, database, "off")]
        targets += _query_targets(runs, database)
        for size in sizes:
            ratio = floor_ratio(runs[database, size]["off"], TRACKER)
            targets.append(
                Target(
                    ratio <= TRACKER_FLOOR_LIMIT,
                    f"uncached tracker within {TRACKER_FLOOR_LIMIT}× the floor "
                    f"({database}, {size_label(size)} claims): {ratio:.2f}×",
                )
            )
    return targets


def throughput_targets(throughput):
    by_name = {run["name"]: run for run in throughput["runs"]}
    tracker, static = by_name["tracker (cached)"], by_name["static file"]
    share = tracker["requests_per_second"] / static["requests_per_second"]
    errors = [
        f"{run['name']} {run['non_2xx']} non-2xx, {run['socket_errors']} socket errors"
        + (f" ({run['socket_error_kinds']})" if run["socket_errors"] else "")
        for run in throughput["runs"]
        if run["non_2xx"] or run["socket_errors"]
    ]
    return [
        Target(
            share >= STATIC_SHARE_LIMIT,
            f"cached tracker ≥ {STATIC_SHARE_LIMIT:.0%} of the static file's requests/s: "
            f"{tracker['requests_per_second']:.0f} vs {static['requests_per_second']:.0f}, "
            f"{share:.0%}",
        ),
        Target(
            not errors,
            "no errors under load" + (f": {'; '.join(errors)}" if errors else ""),
        ),
    ]


def throughput_table(throughput):
    header = ["address", "requests/s", "p50 ms", "p90 ms", "p99 ms", "requests"]
    header += ["non-2xx", "socket errors", "worker restarts", "bytes"]
    rows = [
        [
            f"{run['name']}: `{run['path']}`",
            f"{run['requests_per_second']:.0f}",
            f"{run['p50_ms']:.1f}",
            f"{run['p90_ms']:.1f}",
            f"{run['p99_ms']:.1f}",
            run["requests"],
            run["non_2xx"],
            run["socket_errors"],
            run["worker_restarts"],
            run["bytes"],
        ]
        for run in throughput["runs"]
    ]
    return _table(header, rows)


def served_against_floor(throughput):
    """How many of the floor's requests one uncached tracker page costs when served."""
    by_name = {run["name"]: run for run in throughput["runs"]}
    tracker, floor = by_name.get("tracker (uncached)"), by_name["floor"]
    if not tracker:
        return ""
    ratio = floor["requests_per_second"] / tracker["requests_per_second"]
    return (
        f"Served this way, with the cache off (a server of its own), the tracker answers "
        f"{tracker['requests_per_second']:.0f} requests/s against the floor's "
        f"{floor['requests_per_second']:.0f}: a page costs {ratio:.2f} times the floor's. "
        "The floor target compares Django's own time in-process, without the server's."
    )


def throughput_setup(throughput):
    config = throughput["gunicorn_config"]
    return (
        f"gunicorn ({f'{config}, ' if config else ''}{throughput['workers']} workers), "
        "production settings, on loopback; "
        f"{throughput['database']} with {size_label(throughput['claims'])} claims; "
        f"cache: {throughput['cache']}. wrk: {throughput['threads']} threads, "
        f"{throughput['connections']} connections, {throughput['seconds']} s per address."
    )


def keep_notes(previous_text):
    """The hand-written notes of the previous BENCHMARKS.md, markers included."""
    start = previous_text.find(NOTES_START)
    end = previous_text.find(NOTES_END, start)
    if start == -1 or end == -1:
        return f"{NOTES_START}\n{NOTES_END}"
    return previous_text[start : end + len(NOTES_END)]


def median_of_rounds(results):
    """One measuring process's result, each page's times the median of the rounds' `results`."""
    combined = copy.deepcopy(results[0])
    for position, page in enumerate(combined["pages"]):
        for key in ["median_ms", "p95_ms"]:
            page[key] = statistics.median(result["pages"][position][key] for result in results)
    return combined


def document(runs, throughput, *, machine, when, invocation, commands, requests, rounds, notes):
    """BENCHMARKS.md in full, and the summary printed at the end of a run."""
    table, footnotes = results_table(runs)
    targets = page_targets(runs)
    if throughput:
        targets += throughput_targets(throughput)
    target_lines = "\n".join(f"- {target}" for target in targets)
    first_run = next(iter(runs.values()))
    cells = (
        f"Uncached: CLAIMTRACK_CACHE_SECONDS=0 and {first_run['off']['cache_backend']}. Cached: "
        f"CLAIMTRACK_CACHE_SECONDS={first_run['on']['cache_seconds']} (the default) and "
        f"{first_run['on']['cache_backend']}, in the measuring process. "
        f"Milliseconds: median / 95th percentile of {requests} requests, or more to fill "
        f"{MIN_TIMED_SECONDS:g} s, after warm-up (the cached runs warm the cache first), "
        "through the whole middleware stack with Django's test client; "
        f"each the median of {rounds} round{'s' if rounds != 1 else ''}, "
        "which take every size in turn. Queries: SQL queries of one request, uncached / cached. "
        "× floor: the page's median over the floor's, uncached / cached. Growth: the median "
        "at the largest size over the median at the smallest."
    )
    sections = [
        "# Benchmarks",
        f"Written by `{invocation}` on {when:%Y-%m-%d %H:%M} UTC. Each run rewrites this file, "
        "except the notes between the markers below.",
        notes,
        "## Targets",
        target_lines,
        "## Pages",
        table,
        cells,
        *(["\n".join(f"- {footnote}" for footnote in footnotes)] if footnotes else []),
    ]
    if throughput:
        sections += [
            "## Throughput",
            throughput_setup(throughput),
            throughput_table(throughput),
            *filter(None, [served_against_floor(throughput)]),
        ]
    else:
        sections += ["## Throughput", "Not measured in this run (BENCH_WRK_SECONDS=0)."]
    sections += [
        "## Addresses measured",
        addresses_table(runs),
        "## Machine",
        "\n".join(f"- {name}: {value}" for name, value in machine.items()),
        "## Commands",
        "Run from the repository's root; `$BENCH_TMP` is a temporary folder, removed at the end.",
        "```sh\n" + "\n".join(commands) + "\n```",
    ]
    summary = [table, *footnotes]
    if throughput:
        summary += ["", throughput_setup(throughput), throughput_table(throughput)]
        summary += list(filter(None, [served_against_floor(throughput)]))
    summary += ["", *map(str, targets)]
    return Document(markdown="\n\n".join(sections) + "\n", summary="\n".join(summary))
