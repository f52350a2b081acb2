"""The real thing: gunicorn with production settings while PostgreSQL goes away and comes back.

gunicorn reaches PostgreSQL through a TCP proxy that the test stops and starts,
as a network failure or a database restart would. The tests make a PostgreSQL
database of their own, whatever database the rest of the suite uses, and drop
it at the end; the servers die with their test, even when it fails.
"""

import contextlib
import http.cookies
import os
import re
import socket
import threading
import time
import urllib.parse

import psycopg
import pytest
import redis

from tests.production_servers import GunicornServer, collect_static, manage, production_environment

POSTGRES = ("127.0.0.1", 5432)
MAINTENANCE_URL = f"postgresql://postgres@{POSTGRES[0]}:{POSTGRES[1]}/postgres"
SHARED_CACHE_URL = "redis://127.0.0.1:6379/14"
# The pool waits this long for a connection before the request gives up.
POOL_TIMEOUT_SECONDS = 2
# A page while the database is down: the pool timeout and a little more.
OUTAGE_ANSWER_SECONDS = 8
RECOVERY_SECONDS = 20
# A management command's whole run; a pool left to the garbage collector adds 20 s.
PROMPT_EXIT_SECONDS = 10
SUPERUSER = {"username": "resilience-admin", "password": "a long password for the test"}


class TcpProxy:
    """Forwards a loopback port to PostgreSQL until stopped; starts again on the same port."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = None
        self.running = False
        self._stopping = threading.Event()
        self._acceptor = None
        self._pumps = []
        self._connections = set()
        self._lock = threading.Lock()

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen()
        # accept() wakes up now and then to notice stop().
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._stopping.clear()
        self._acceptor = threading.Thread(target=self._accept, args=[listener], daemon=True)
        self._acceptor.start()
        self.running = True

    def stop(self):
        """Refuse new connections and cut every forwarded one, as a dead server would."""
        self._stopping.set()
        self._acceptor.join()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        for pump in self._pumps:
            pump.join()
        self._pumps = []
        self.running = False

    def _accept(self, listener):
        with listener:
            while not self._stopping.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                try:
                    server = socket.create_connection(self.upstream)
                except OSError:
                    client.close()
                    continue
                with self._lock:
                    self._connections |= {client, server}
                for source, destination in ((client, server), (server, client)):
                    pump = threading.Thread(
                        target=self._pump, args=[source, destination], daemon=True
                    )
                    self._pumps.append(pump)
                    pump.start()

    def _pump(self, source, destination):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                destination.sendall(data)
        # One direction has ended: end the other one too.
        with contextlib.suppress(OSError):
            destination.shutdown(socket.SHUT_RDWR)
        with self._lock:
            self._connections.discard(source)
        source.close()


def database_url(name, port=POSTGRES[1]):
    return f"postgres://postgres@127.0.0.1:{port}/{name}"


@pytest.fixture(scope="module")
def settings_directory(tmp_path_factory):
    return collect_static(tmp_path_factory.getbasetemp() / "production")


@pytest.fixture(scope="module")
def database(settings_directory):
    """A migrated PostgreSQL database of this module's own."""
    name = f"claimtrack_resilience_{os.getpid()}"
    with psycopg.connect(MAINTENANCE_URL, autocommit=True) as maintenance:
        maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.execute(f'CREATE DATABASE "{name}"')
    try:
        environment = production_environment(settings_directory, DATABASE_URL=database_url(name))
        manage("migrate", "--no-input", "--verbosity=0", environment=environment)
        yield name
    finally:
        with psycopg.connect(MAINTENANCE_URL, autocommit=True) as maintenance:
            # WITH (FORCE) terminates the sessions still open (a killed server's) first.
            maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def publish_claim(settings_directory, database_name, statement):
    """A published claim made through the ORM, in a process of its own: (id, slug).

    The factories number their rows from 1 in each process: the speaker's, the
    article's and the outlet's names are taken from the statement, or they would
    collide with those of the claims made before.
    """
    script = (
        "from tests.factories import make_article, make_claim, make_outlet, make_speaker\n"
        f"outlet = make_outlet(name={f'Outlet: {statement}'!r})\n"
        f"article = make_article(title={f'Article: {statement}'!r}, outlet=outlet)\n"
        f"speaker = make_speaker(name={f'Speaker: {statement}'!r})\n"
        f"claim = make_claim(statement={statement!r}, article=article, speaker=speaker)\n"
        "print(claim.pk, claim.slug)\n"
    )
    environment = production_environment(
        settings_directory, DATABASE_URL=database_url(database_name)
    )
    output = manage("shell", "--no-imports", "-c", script, environment=environment)
    claim_id, slug = output.split()
    return claim_id, slug


@pytest.fixture
def servers(tmp_path):
    """Starts gunicorn servers for a test and stops them all at its end."""
    started = []

    def start(environment):
        server = GunicornServer(environment, tmp_path / f"gunicorn-{len(started)}.log")
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def proxy():
    proxy = TcpProxy(POSTGRES)
    proxy.start()
    yield proxy
    if proxy.running:
        proxy.stop()


def timed_get(server, path):
    started = time.monotonic()
    response = server.get(path)
    return response, time.monotonic() - started


def wait_for_recovery(server, paths, *, seconds, rounds=3):
    """Ask for `paths` until every one answers 200 `rounds` times in a row: each worker
    reconnects on its own. Whether that happened before the deadline."""
    deadline = time.monotonic() + seconds
    streak = 0
    while streak < rounds and time.monotonic() < deadline:
        answered = all(server.get(path).status_code == 200 for path in paths)
        streak = streak + 1 if answered else 0
    return streak == rounds


def test_pages_answer_503_while_postgresql_is_unreachable_and_recover_after(
    settings_directory, database, proxy, servers
):
    statement = "The moon is made of cheese, the minister said"
    _, slug = publish_claim(settings_directory, database, statement)
    claim_path = f"/claims/{slug}/"
    server = servers(
        production_environment(
            settings_directory,
            DATABASE_URL=database_url(database, port=proxy.port),
            DATABASE_POOL_TIMEOUT=str(POOL_TIMEOUT_SECONDS),
            DJANGO_SECURE_SSL_REDIRECT="0",
        )
    )
    for path in ("/", claim_path):
        response = server.get(path)
        assert response.status_code == 200, response.text
        assert statement in response.text
    assert server.get("/healthz").status_code == 200

    proxy.stop()
    for path in ("/", claim_path):
        response, seconds = timed_get(server, path)
        assert response.status_code == 503
        assert seconds < OUTAGE_ANSWER_SECONDS
        assert response.headers["Retry-After"] == "30"
        assert "Claimtrack is briefly unavailable" in response.text
        assert "Traceback" not in response.text
    response, seconds = timed_get(server, "/healthz")
    assert response.status_code == 503
    assert seconds < OUTAGE_ANSWER_SECONDS

    # One line per failed request, naming the page and the database error.
    for path in ("/", "/healthz"):
        [line] = server.log_lines(f" ERROR django.request GET {path} 503 ")
        assert re.search(r"503 OperationalError: couldn't get a connection after 2\.00 sec", line)
    assert "Traceback" not in server.log()

    proxy.start()
    assert wait_for_recovery(server, ["/", claim_path, "/healthz"], seconds=RECOVERY_SECONDS)
    assert statement in server.get(claim_path).text


def test_a_command_that_writes_through_the_pool_exits_promptly(settings_directory, database):
    """psycopg's pool threads are stopped at exit, not left to wait 5 s each (serving.apps)."""
    started = time.monotonic()
    publish_claim(settings_directory, database, "Exports doubled last year, the minister said")
    assert time.monotonic() - started < PROMPT_EXIT_SECONDS


@pytest.fixture
def shared_cache():
    cache = redis.Redis.from_url(SHARED_CACHE_URL)
    cache.flushdb()
    yield cache
    cache.flushdb()
    cache.close()


class Browser:
    """Just enough of a browser for the admin: cookies kept, no redirects followed."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def request(self, method, path, form=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(form)
        response = self.server.request(method, path, headers=headers, body=body)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response


def test_a_change_on_one_server_shows_on_the_next_request_to_another(
    settings_directory, database, servers, shared_cache
):
    statement = "Unemployment has never been lower, the minister said"
    claim_id, slug = publish_claim(settings_directory, database, statement)
    environment = production_environment(
        settings_directory,
        DATABASE_URL=database_url(database),
        REDIS_URL=SHARED_CACHE_URL,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SUPERUSER_USERNAME=SUPERUSER["username"],
        DJANGO_SUPERUSER_PASSWORD=SUPERUSER["password"],
        DJANGO_SUPERUSER_EMAIL="admin@example.org",
    )
    manage("createsuperuser", "--no-input", environment=environment)
    server_a, server_b = servers(environment), servers(environment)

    assert statement in server_b.get("/").text
    assert shared_cache.dbsize() > 0, "server B cached nothing: the test would prove nothing"

    editor = Browser(server_a)
    editor.request("GET", "/admin/login/")
    response = editor.request(
        "POST",
        "/admin/login/?next=/admin/",
        form=SUPERUSER | {"csrfmiddlewaretoken": editor.cookies["csrftoken"]},
    )
    assert response.status_code == 302, response.text
    response = editor.request(
        "POST",
        "/admin/claims/claim/",
        form={
            "action": "unpublish",
            "_selected_action": claim_id,
            "index": "0",
            "csrfmiddlewaretoken": editor.cookies["csrftoken"],
        },
    )
    assert response.status_code == 302, response.text

    assert statement not in server_b.get("/").text
    assert server_b.get(f"/claims/{slug}/").status_code == 404
