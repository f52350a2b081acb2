"""Requests per second from gunicorn under wrk, against a static file of the same size.

The server runs the production settings with two workers on loopback. The static
file, served by whitenoise from the same workers, is what a page could cost at
best: the cached tracker is compared with it.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import FLOOR_PATH, HarnessError

# Production's gunicorn settings, where they exist; the benchmark sets workers and address.
GUNICORN_CONFIG = Path("config/gunicorn.py")
WORKERS = 2
THREADS = 2
CONNECTIONS = 16
STATIC_FILE_NAME = "bench/tracker-sized.html"
SERVER_START_SECONDS = 30
# gunicorn's graceful_timeout (config/gunicorn.py) and a little more.
SERVER_STOP_SECONDS = 40
WARMUP_REQUESTS = 20
_LATENCY_UNITS_MS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_static_file(folder, size):
    """An HTML file of exactly `size` bytes, in a folder collectstatic is told about."""
    path = Path(folder, STATIC_FILE_NAME)
    path.parent.mkdir(parents=True, exist_ok=True)
    head = b"<!doctype html>\n<title>The size of the tracker</title>\n<p>"
    filler = b"A static page as large as the tracker's first page. " * (size // 50 + 1)
    path.write_bytes((head + filler)[:size])


def hashed_static_path(static_root, name):
    """The URL path whitenoise serves `name` at, by the manifest's hashed name."""
    manifest = json.loads(Path(static_root, "staticfiles.json").read_text())
    return f"/static/{manifest['paths'][name]}"


def fetch(url, timeout=10):
    """(status, body) of a GET that follows no redirect: a 301 must not count as a page."""

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def parse_wrk(output):
    """What `wrk --latency` printed, as numbers (latencies in ms)."""

    def field(pattern):
        found = re.search(pattern, output, re.MULTILINE)
        if not found:
            raise HarnessError(f"wrk's output has no {pattern!r}:\n{output}")
        return found.groups()

    def percentile_ms(percent):
        value, unit = field(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$")
        return float(value) * _LATENCY_UNITS_MS[unit]

    # Lines that wrk prints only when something went wrong.
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests_per_second": float(field(r"^Requests/sec:\s+([\d.]+)")[0]),
        "requests": int(field(r"^\s*(\d+) requests in")[0]),
        "p50_ms": percentile_ms(50),
        "p90_ms": percentile_ms(90),
        "p99_ms": percentile_ms(99),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "socket_error_kinds": socket_errors.group(0).split(": ", 1)[1] if socket_errors else "",
    }


class Server:
    """gunicorn on a free loopback port, stopped (workers too) on leaving the `with`."""

    def __init__(self, env, log_path, run_command):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi"]
        if GUNICORN_CONFIG.exists():
            command += ["-c", GUNICORN_CONFIG]
        command += ["-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}"]
        self.log_path = log_path
        self.process = run_command(command, env, background=True, log_path=log_path)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=SERVER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                # The server's own process group: the master and the workers it started.
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def worker_boots(self):
        return Path(self.log_path).read_text(errors="replace").count("Booting worker")

    def log_tail(self):
        return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-30:])

    def wait_until_serving(self, path):
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(f"gunicorn stopped at start:\n{self.log_tail()}")
            try:
                if fetch(self.base_url + path, timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise HarnessError(f"gunicorn did not answer within {SERVER_START_SECONDS} s")

    def check_page(self, path):
        """The page's body, after making sure it is a 200 (never a redirect or an error)."""
        status, body = fetch(self.base_url + path)
        if status != 200:
            raise HarnessError(f"gunicorn answered {path} with {status}:\n{self.log_tail()}")
        return body


def wrk(url, seconds, run_command):
    if not shutil.which("wrk"):
        raise HarnessError("wrk is not installed (make bench installs Debian's wrk package).")
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        url,
    ]
    return parse_wrk(run_command(command, None, capture=True))


def measure_throughput(env, *, workdir, tracker_bytes, claim_path, seconds, run_command, log):
    """wrk's numbers for the cached tracker, a claim page and a static file as large; then,
    from a server with the cache off, the uncached tracker, to compare with the floor."""
    static_root, extra_static = env["BENCH_STATIC_ROOT"], Path(workdir, "extra-static")
    write_static_file(extra_static, tracker_bytes)
    env = env | {"BENCH_EXTRA_STATIC": str(extra_static)}
    log("collecting static files, with one as large as the tracker")
    run_command([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    targets = [
        ("tracker (cached)", "/"),
        ("claim (cached)", claim_path),
        # What Django's request cycle costs at the least, for comparison.
        ("floor", FLOOR_PATH),
        ("static file", hashed_static_path(static_root, STATIC_FILE_NAME)),
    ]
    runs = []
    for cache, server_env, server_targets, log_name in [
        ("on", env, targets, "gunicorn.log"),
        (
            "off",
            env | {"CLAIMTRACK_CACHE_SECONDS": "0"},
            [("tracker (uncached)", "/")],
            "gunicorn-uncached.log",
        ),
    ]:
        log(f"starting gunicorn with {WORKERS} workers, cache {cache}")
        with Server(server_env, Path(workdir, log_name), run_command) as server:
            server.wait_until_serving(server_targets[-1][1])
            for name, path in server_targets:
                runs.append(load_page(server, name, path, seconds, run_command, log))
    return runs


def load_page(server, name, path, seconds, run_command, log):
    body = server.check_page(path)
    for _ in range(WARMUP_REQUESTS):
        server.check_page(path)
    log(f"wrk {seconds} s: {name} {path}")
    boots_before = server.worker_boots()
    result = wrk(server.base_url + path, seconds, run_command)
    # gunicorn replaces a worker after max_requests: each restart pauses its queue.
    restarts = server.worker_boots() - boots_before
    return {"name": name, "path": path, "bytes": len(body), "worker_restarts": restarts} | result
