"""`make bench`: seed, measure and load-test at each size, then write BENCHMARKS.md.

    python -m bench.run                   the whole benchmark
    python -m bench.run measure OUT.json  one measuring process (the above starts them)

The environment chooses what to run, for quick runs while working:
BENCH_SIZES (1000,100000), BENCH_DATABASES (sqlite,postgresql), BENCH_REQUESTS
(100 timed requests a page), BENCH_ROUNDS (3 measurements of each, the median
kept), BENCH_WRK_SECONDS (30; 0 skips the throughput run),
BENCH_POSTGRES_URL (where throwaway databases are created) and BENCH_REDIS_URL
(the throughput run's cache, emptied first; locmem if Redis does not answer).

A missed target is reported as MISS and does not fail the run; anything that
stops the harness itself (a page that errors, a missing tool) does. Throwaway
databases, the server and the temporary folder are removed whatever happens.
"""

import datetime
import json
import os
import platform
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis
from psycopg import sql

from bench import HarnessError, report, throughput

BENCHMARKS_FILE = Path("BENCHMARKS.md")
DATABASES = ("sqlite", "postgresql")
# CLAIMTRACK_CACHE_SECONDS for each cache setting; None leaves the setting's default.
CACHE_SECONDS = {"off": "0", "on": None}
DEFAULTS = {
    "BENCH_SIZES": "1000,100000",
    "BENCH_DATABASES": ",".join(DATABASES),
    "BENCH_REQUESTS": "100",
    "BENCH_ROUNDS": "3",
    "BENCH_WRK_SECONDS": "30",
    "BENCH_POSTGRES_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "BENCH_REDIS_URL": "redis://127.0.0.1:6379/13",
}
SEED = 1
LOG_TAIL_LINES = 40


def option(name):
    return os.environ.get(name, "").strip() or DEFAULTS[name]


def read_options():
    """The run's choices from the environment, checked before anything starts."""
    try:
        sizes = sorted({int(size) for size in option("BENCH_SIZES").split(",") if size.strip()})
        requests = int(option("BENCH_REQUESTS"))
        rounds = int(option("BENCH_ROUNDS"))
        wrk_seconds = int(option("BENCH_WRK_SECONDS"))
    except ValueError as error:
        raise HarnessError(
            f"BENCH_SIZES, BENCH_REQUESTS, BENCH_ROUNDS and BENCH_WRK_SECONDS: {error}"
        ) from None
    databases = [name.strip() for name in option("BENCH_DATABASES").split(",") if name.strip()]
    if not sizes or sizes[0] < 1:
        raise HarnessError("BENCH_SIZES must list claim counts of 1 or more, e.g. 1000,100000")
    if not databases or set(databases) - set(DATABASES):
        raise HarnessError(f"BENCH_DATABASES must list some of: {', '.join(DATABASES)}")
    if requests < 2 or rounds < 1 or wrk_seconds < 0:
        raise HarnessError(
            "BENCH_REQUESTS must be 2 or more, BENCH_ROUNDS 1 or more, BENCH_WRK_SECONDS 0 or more"
        )
    return {
        "sizes": sizes,
        "databases": [name for name in DATABASES if name in databases],
        "requests": requests,
        "rounds": rounds,
        "wrk_seconds": wrk_seconds,
        "postgres_url": option("BENCH_POSTGRES_URL"),
        "redis_url": option("BENCH_REDIS_URL"),
    }


def base_environment():
    """Production settings on loopback, with nothing of the caller's database or cache."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DATABASE_TEST_NAME", "REDIS_URL"}
        and not name.startswith("CLAIMTRACK_")
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }


def log_tail(path):
    lines = Path(path).read_text(errors="replace").splitlines()
    return "\n".join(lines[-LOG_TAIL_LINES:])


class Commands:
    """Runs the benchmark's commands, and keeps them as typed for BENCHMARKS.md."""

    def __init__(self, base_env, workdir):
        self.base_env = base_env
        self.workdir = str(workdir)
        self.started = time.monotonic()
        self.lines = []
        self.note(f"export {self._assignments(base_env, os.environ)}")

    def _assignments(self, env, relative_to):
        changed = {name: env[name] for name in sorted(env) if relative_to.get(name) != env[name]}
        if "DJANGO_SECRET_KEY" in changed:
            changed["DJANGO_SECRET_KEY"] = "<random>"
        return " ".join(f"{name}={shlex.quote(value)}" for name, value in changed.items())

    def note(self, line):
        line = line.replace(self.workdir, "$BENCH_TMP").replace(f"{Path.cwd()}/", "")
        self.lines.append(line)

    def log(self, message):
        elapsed = int(time.monotonic() - self.started)
        print(f"[bench {elapsed // 60:02d}:{elapsed % 60:02d}] {message}", flush=True)

    def __call__(self, command, env=None, *, capture=False, background=False, log_path=None):
        """Run `command` with `env` (None: this process's own).

        Returns its output when `capture`, its process when `background`. Its
        errors go to `log_path` when given (the server's, too, its output).
        """
        command = [str(part) for part in command]
        assignments = self._assignments(env, self.base_env) if env is not None else ""
        self.note(" ".join(filter(None, [assignments, shlex.join(command)])))
        if background:
            with open(log_path, "w") as log_file:
                # A session of its own, so that stopping the server stops its workers too.
                return subprocess.Popen(
                    command,
                    env=env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        with ExitStack() as stack:
            stderr = stack.enter_context(open(log_path, "w")) if log_path else None
            completed = subprocess.run(
                command,
                env=env,
                text=True,
                stdout=subprocess.PIPE if capture else None,
                stderr=stderr,
            )
        if completed.returncode:
            details = log_tail(log_path) if log_path else ""
            raise HarnessError(
                f"{shlex.join(command)} failed with exit code {completed.returncode}\n{details}"
            )
        return completed.stdout


class ThrowawayDatabases:
    """A new database for each (database, size), all dropped on leaving the `with`."""

    def __init__(self, options, workdir, commands):
        self.postgres_url = options["postgres_url"]
        self.workdir = workdir
        self.commands = commands
        self.postgres_names = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        for name in self.postgres_names:
            self._postgres(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)"), name)

    def _postgres(self, statement, name):
        self.commands.note(f"-- {statement.format(sql.Identifier(name)).as_string()}")
        try:
            with psycopg.connect(self.postgres_url, autocommit=True, connect_timeout=5) as admin:
                admin.execute(statement.format(sql.Identifier(name)))
        except psycopg.OperationalError as error:
            raise HarnessError(
                f"PostgreSQL at {self.postgres_url} refused: {error} "
                "(BENCH_DATABASES=sqlite runs without it)"
            ) from None

    def create(self, database, size):
        """A DATABASE_URL for an empty database."""
        if database == "sqlite":
            return f"sqlite:///{Path(self.workdir, f'bench_{size}.sqlite3')}"
        name = f"claimtrack_bench_{size}"
        self._postgres(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)"), name)
        self.postgres_names.append(name)
        self._postgres(sql.SQL("CREATE DATABASE {}"), name)
        return urlsplit(self.postgres_url)._replace(path=f"/{name}").geturl()


def seed(commands, env, size):
    manage = [sys.executable, "manage.py"]
    commands([*manage, "migrate", "--no-input", "-v0"], env)
    commands([*manage, "seed_demo", "--claims", size, "--seed", SEED], env)
    database_url = env["DATABASE_URL"]
    if database_url.startswith(("postgres://", "postgresql://")):
        # So many new rows set PostgreSQL's autovacuum to work on them, and its
        # checkpointer to write them out, on this machine's two cores while the
        # pages are timed: have both done first.
        commands.note("-- VACUUM (ANALYZE); CHECKPOINT")
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE)")
            connection.execute("CHECKPOINT")


def measure(commands, env, workdir, label, requests):
    """What one measuring process found for every page (see bench.measure)."""
    result_path = Path(workdir, f"{label}.json")
    commands(
        [sys.executable, "-m", "bench.run", "measure", result_path],
        env | {"BENCH_REQUESTS": str(requests)},
        log_path=Path(workdir, f"{label}.log"),
    )
    return json.loads(result_path.read_text())


def measure_process(result_path):
    import django

    django.setup()
    from django.db import connections

    # Models can be imported only once Django is set up.
    from bench.measure import measure_site

    try:
        result = measure_site(
            requests=int(option("BENCH_REQUESTS")),
            progress=lambda message: print(f"      {message}", flush=True),
        )
    finally:
        # psycopg's pool threads would hold the process up for seconds at exit.
        for connection in connections.all(initialized_only=True):
            connection.close()
            if connection.vendor == "postgresql":
                connection.close_pool()
    Path(result_path).write_text(json.dumps(result, indent=2))


def throughput_cache(redis_url):
    """(environment, description) of the server's cache: Redis if it answers, else locmem."""
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
        client.flushdb()
        server_version = client.info("server")["redis_version"]
    except redis.RedisError as error:
        return {}, f"locmem, one per worker (Redis at {redis_url} did not answer: {error})"
    return {"REDIS_URL": redis_url}, f"Redis {server_version} at {redis_url}, emptied first"


def run_throughput(commands, env, workdir, options, runs, database_urls):
    """wrk against gunicorn on the largest database (PostgreSQL when it is measured)."""
    database, size = options["databases"][-1], options["sizes"][-1]
    pages = report.pages_of(runs[database, size]["on"])
    cache_env, cache_description = throughput_cache(options["redis_url"])
    commands.log(f"throughput: {database}, {size} claims, cache: {cache_description}")
    results = throughput.measure_throughput(
        env | {"DATABASE_URL": database_urls[database, size]} | cache_env,
        workdir=workdir,
        tracker_bytes=pages["tracker"]["bytes"],
        claim_path=pages["claim"]["path"],
        seconds=options["wrk_seconds"],
        run_command=commands,
        log=commands.log,
    )
    return {
        "database": database,
        "claims": size,
        "cache": cache_description,
        "gunicorn_config": str(throughput.GUNICORN_CONFIG)
        if throughput.GUNICORN_CONFIG.exists()
        else "",
        "workers": throughput.WORKERS,
        "threads": throughput.THREADS,
        "connections": throughput.CONNECTIONS,
        "seconds": options["wrk_seconds"],
        "runs": results,
    }


def load_average():
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def machine_description(runs, load_at_start):
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    os_name = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    databases = {
        run["off"]["database"]["vendor"]: run["off"]["database"]["version"] for run in runs.values()
    }
    return {
        "CPU": f"{cpu_model}, {os.cpu_count()} cores",
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "OS": f"{os_name}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "Django": version("django"),
        "databases": ", ".join(f"{vendor} {number}" for vendor, number in databases.items()),
        "gunicorn": version("gunicorn"),
        "load average (1, 5, 15 min) at the start": load_at_start,
        "load average at the end": load_average(),
    }


def invocation(options):
    chosen = " ".join(
        f"{name}={shlex.quote(os.environ[name])}"
        for name in DEFAULTS
        if os.environ.get(name, "").strip()
    )
    runner = "make bench" if "MAKELEVEL" in os.environ else "python -m bench.run"
    return " ".join(filter(None, [chosen, runner]))


def stop_on_sigterm(signal_number, frame):
    # Like Ctrl-C: leaving every `with` drops the databases and stops the server.
    sys.exit(128 + signal_number)


def benchmark():
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    # Other work on the machine shows in the numbers: the load says how much there was.
    load_at_start = load_average()
    options = read_options()
    env = base_environment()
    runs, database_urls, throughput_result = {}, {}, None
    with tempfile.TemporaryDirectory(prefix="claimtrack-bench-") as workdir:
        # Production settings serve static files by their hashed names, from the manifest.
        env["BENCH_STATIC_ROOT"] = str(Path(workdir, "static-root"))
        commands = Commands(env, workdir)
        commands.log("collecting static files")
        commands([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], env)
        with ThrowawayDatabases(options, workdir, commands) as databases:
            for database in options["databases"]:
                for size in options["sizes"]:
                    commands.log(f"{database}-{size}: migrating and seeding {size} claims")
                    database_urls[database, size] = databases.create(database, size)
                    seed(commands, env | {"DATABASE_URL": database_urls[database, size]}, size)
                # Rounds go through every size in turn, so that a spell of load from
                # elsewhere on the machine falls on all of them alike.
                rounds = {}
                for number in range(1, options["rounds"] + 1):
                    for size in options["sizes"]:
                        database_env = env | {"DATABASE_URL": database_urls[database, size]}
                        for cache, seconds in CACHE_SECONDS.items():
                            label = f"{database}-{size}-cache-{cache}-round-{number}"
                            commands.log(f"{label}: measuring")
                            cache_env = {"CLAIMTRACK_CACHE_SECONDS": seconds} if seconds else {}
                            rounds.setdefault((size, cache), []).append(
                                measure(
                                    commands,
                                    database_env | cache_env,
                                    workdir,
                                    label,
                                    options["requests"],
                                )
                            )
                for (size, cache), results in rounds.items():
                    runs.setdefault((database, size), {})[cache] = report.median_of_rounds(results)
            if options["wrk_seconds"]:
                throughput_result = run_throughput(
                    commands, env, workdir, options, runs, database_urls
                )
        commands.log("throwaway databases dropped")
    previous = BENCHMARKS_FILE.read_text() if BENCHMARKS_FILE.exists() else ""
    document = report.document(
        runs,
        throughput_result,
        machine=machine_description(runs, load_at_start),
        when=datetime.datetime.now(datetime.UTC),
        invocation=invocation(options),
        commands=commands.lines,
        requests=options["requests"],
        rounds=options["rounds"],
        notes=report.keep_notes(previous),
    )
    BENCHMARKS_FILE.write_text(document.markdown)
    print()
    print(document.summary)
    print(f"\nWritten to {BENCHMARKS_FILE.resolve()}")


def main(arguments):
    try:
        if arguments[:1] == ["measure"] and len(arguments) == 2:
            measure_process(arguments[1])
        elif not arguments:
            benchmark()
        else:
            sys.exit(__doc__)
    except HarnessError as error:
        sys.exit(f"bench: {error}")


if __name__ == "__main__":
    main(sys.argv[1:])
