"""Real gunicorn servers with production settings, for test_serving and test_resilience.

The servers run config/gunicorn.py as `make serve` does, in their own process
groups, with static files collected once per test session into a temporary
STATIC_ROOT (collectstatic compresses every file: it takes a while).
"""

import contextlib
import functools
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
SETTINGS_MODULE = "claimtrack_collected_static_settings"
# Variables of the test run (development settings, its database) that must not leak in.
_RUN_ONLY_VARIABLES = ("DJANGO_", "DATABASE_", "CLAIMTRACK_", "REDIS_URL", "PYTHONPATH")
_SERVER_VARIABLES = {"HOST", "PORT", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"}
SERVER_START_SECONDS = 30
SERVER_STOP_SECONDS = 10


@functools.cache
def collect_static(directory):
    """Run collectstatic into `directory`/static once; returns the settings module's folder.

    The settings module is production's with only STATIC_ROOT changed, so the
    working tree's own staticfiles/ is left alone.
    """
    directory.mkdir(parents=True, exist_ok=True)
    static_root = directory / "static"
    (directory / f"{SETTINGS_MODULE}.py").write_text(
        f"from config.settings import *  # noqa: F403\n\nSTATIC_ROOT = {str(static_root)!r}\n"
    )
    environment = production_environment(directory, DATABASE_URL="sqlite:///:memory:")
    manage("collectstatic", "--no-input", "--verbosity=0", environment=environment)
    return directory


def production_environment(settings_directory=None, **variables):
    """The environment of `make serve`, with a fresh secret key.

    With `settings_directory` (from collect_static), the settings module is the
    one that reads static files from there; config.settings otherwise.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_RUN_ONLY_VARIABLES) and name not in _SERVER_VARIABLES
    }
    environment.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    if settings_directory is not None:
        environment.update(
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE, PYTHONPATH=str(settings_directory)
        )
    environment.update(variables)
    return environment


def manage(*arguments, environment):
    """Run a management command; its output, or an AssertionError that shows it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(arguments)}:\n{result.stderr}"
    return result.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, *, seconds, is_alive=lambda: True):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not is_alive():
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@dataclass
class Response:
    status_code: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode()


class GunicornServer:
    """`gunicorn --config config/gunicorn.py` on a free loopback port, logging to a file."""

    def __init__(self, environment, log_path):
        self.port = free_port()
        self.environment = environment | {
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "2",
        }
        self.log_path = log_path
        self.process = None

    def start(self):
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [GUNICORN, "--config", "config/gunicorn.py"],
                cwd=PROJECT_DIR,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group: stop() can reach the workers whatever happens.
                start_new_session=True,
            )
        listening = wait_for_port(
            self.port, seconds=SERVER_START_SECONDS, is_alive=lambda: self.process.poll() is None
        )
        if not listening:
            self.stop()
            raise AssertionError(f"gunicorn did not start:\n{self.log()}")

    def stop(self):
        if self.process is None:
            return
        # SIGINT is gunicorn's quick shutdown; whatever is left of its group is killed.
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(SERVER_STOP_SECONDS)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def log_lines(self, text, *, seconds=5):
        """The log's lines that contain `text`, once there are some: gunicorn logs a
        request after answering it."""
        deadline = time.monotonic() + seconds
        while True:
            lines = [line for line in self.log().splitlines() if text in line]
            if lines or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    def request(self, method, path, *, headers=None, body=None, timeout=20):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path, **options):
        return self.request("GET", path, **options)
