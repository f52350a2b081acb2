"""Serving in production: health check, error pages, the 503 page, log lines, headers, static files.

The first tests run in-process with the test client (pytest-django switches
DEBUG off). The last ones start gunicorn with production settings, as
`make serve` does, behind what the TLS proxy would send.
"""

import gzip
import io
import json
import logging
import re
import runpy
import subprocess
import sys
from unittest import mock

import brotli
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.template import engines
from django.template.response import SimpleTemplateResponse
from django.test import Client, override_settings
from django.urls import path, re_path, reverse
from psycopg_pool import PoolTimeout

from claims.models import Claim, PublishedTally
from serving.log_format import OneLineFormatter
from serving.middleware import RETRY_AFTER_SECONDS
from tests.production_servers import (
    PROJECT_DIR,
    GunicornServer,
    collect_static,
    manage,
    production_environment,
)

HTTPS_PROXY = {"X-Forwarded-Proto": "https"}
ONE_YEAR = 365 * 24 * 60 * 60


def failing_view(request):
    raise ValueError("boom\nsecond line")


def pool_timeout_view(request):
    raise PoolTimeout("couldn't get a connection after 2.00 sec")


def lazy_claims_view(request):
    """The queryset runs only when the template renders, after the view has returned."""
    template = engines["django"].from_string("{% for claim in claims %}{{ claim }}{% endfor %}")
    return SimpleTemplateResponse(template, {"claims": Claim.objects.all()})


def quiet_view(request):
    return HttpResponse("fine")


urlpatterns = [
    re_path(r"^boom/", failing_view),
    path("pool/", pool_timeout_view),
    path("lazy/", lazy_claims_view),
    path("quiet/", quiet_view),
]


@pytest.fixture
def database_down():
    """Every new cursor fails as when PostgreSQL refuses connections."""
    refused = OperationalError('connection failed: connection to server at "127.0.0.1" refused')
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        yield


@pytest.fixture
def request_log():
    """What the django.request logger writes, through the production formatter."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(OneLineFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield output
    logger.removeHandler(handler)


@pytest.fixture
def client_without_raising(client):
    client.raise_request_exception = False
    return client


def assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Claimtrack is briefly unavailable" in page
    assert 'class="site-header"' in page
    assert "Traceback" not in page
    assert "refused" not in page
    assert "{#" not in page


# Health check


def test_healthz_answers_200_while_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_fails(client, db, database_down, request_log):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}
    assert "no-store" in response["Cache-Control"]
    [line] = request_log.getvalue().splitlines()
    assert "ERROR django.request GET /healthz 503 OperationalError: connection failed" in line


def test_healthz_only_answers_reads(client, db):
    assert client.post("/healthz").status_code == 405


# Error pages


def test_an_unknown_address_answers_the_404_page_without_touching_the_database(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert 'class="site-header"' in page
    assert 'rel="stylesheet"' in page


@pytest.mark.urls("tests.test_serving")
def test_an_error_answers_the_500_page_in_the_sites_look(client_without_raising, db):
    response = client_without_raising.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'class="site-header"' in page
    assert 'href="/static/css/site.css"' in page
    assert "boom" not in page
    assert "{#" not in page


@pytest.mark.urls("tests.test_serving")
def test_the_500_page_links_the_hashed_stylesheet_from_the_manifest(
    client_without_raising, db, tmp_path
):
    manifest = {"version": "1.1", "paths": {"css/site.css": "css/site.0123456789ab.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    with manifest_storage(tmp_path):
        response = client_without_raising.get("/boom/")
    assert response.status_code == 500
    assert 'href="/static/css/site.0123456789ab.css"' in response.content.decode()


@pytest.mark.urls("tests.test_serving")
def test_the_500_page_renders_when_the_manifest_lacks_the_stylesheet(
    client_without_raising, db, tmp_path
):
    with manifest_storage(tmp_path):  # collectstatic never ran: no manifest at all
        response = client_without_raising.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'href="/static/css/site.css"' in page


def manifest_storage(static_root):
    return override_settings(
        STATIC_ROOT=static_root,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            },
        },
    )


# The database is down


def test_the_tracker_answers_503_while_the_database_is_down(
    client, claim, database_down, request_log
):
    assert_friendly_503(client.get("/"))
    [line] = request_log.getvalue().splitlines()
    assert re.search(r"Z ERROR django.request GET / 503 OperationalError: connection failed", line)
    assert "(claims/" in line


def test_a_claim_page_answers_503_while_the_database_is_down(client, claim, database_down):
    assert_friendly_503(client.get(claim.get_absolute_url()))


def test_pages_recover_when_the_database_is_back(client, claim):
    with mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("server closed")
    ):
        assert client.get(claim.get_absolute_url()).status_code == 503
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    assert claim.statement in response.content.decode()


@pytest.mark.urls("tests.test_serving")
def test_a_lazy_queryset_failing_while_the_template_renders_answers_503(
    client, claim, database_down
):
    assert_friendly_503(client.get("/lazy/"))


@pytest.mark.urls("tests.test_serving")
def test_a_pool_timeout_answers_503(client, db, request_log):
    assert_friendly_503(client.get("/pool/"))
    assert "503 PoolTimeout: couldn't get a connection" in request_log.getvalue()


@pytest.mark.urls("tests.test_serving")
def test_a_page_that_needs_no_database_answers_while_it_is_down(client, db, database_down):
    response = client.get("/quiet/")
    assert response.status_code == 200


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="PostgreSQL's prepared statements"
)
def test_a_query_repeated_on_a_connection_is_prepared_there(claim, settings):
    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    connection = connections["default"]
    for _ in range(threshold + 1):
        PublishedTally.objects.for_menus(speakers_limit=10)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("FROM claims_publishedtally" in statement for statement in prepared), prepared


# Log lines


@pytest.mark.urls("tests.test_serving")
def test_a_request_error_is_logged_on_one_line_with_what_to_act_on(
    client_without_raising, db, request_log
):
    client_without_raising.get("/boom/%0Aforged?page=2")
    output = request_log.getvalue()
    assert output.count("\n") == 1
    line = output.rstrip("\n")
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ERROR django\.request"
        r" GET /boom/%0Aforged\?page=2 500 ValueError: boom\\nsecond line"
        r" \(tests/test_serving\.py:\d+ in failing_view\)",
        line,
    ), line


def test_a_record_without_a_request_keeps_its_message_and_exception():
    try:
        raise KeyError("claim")
    except KeyError:
        record = logging.LogRecord(
            "claims.importing",
            logging.WARNING,
            __file__,
            1,
            "Skipped %s",
            ("a\rb",),
            sys.exc_info(),
        )
    line = OneLineFormatter().format(record)
    assert line.endswith(
        "WARNING claims.importing Skipped a\\rb KeyError: 'claim'"
        f" (tests/test_serving.py:{record.exc_info[2].tb_lineno} in"
        " test_a_record_without_a_request_keeps_its_message_and_exception)"
    )


def test_production_logs_go_to_standard_output_one_line_each():
    """Django's logging, as configured by the settings: errors on stdout, 404s left out."""
    script = (
        "import django, logging\n"
        "django.setup()\n"
        "from django.test import RequestFactory\n"
        "request = RequestFactory().get('/missing/')\n"
        "log = logging.getLogger('django.request')\n"
        "log.warning('Not Found: /missing/', extra={'status_code': 404, 'request': request})\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    log.exception('Server Error', extra={'status_code': 500, 'request': request})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    [line] = result.stdout.splitlines()
    assert " ERROR django.request GET /missing/ 500 ZeroDivisionError: division by zero" in line


# Production settings


def test_check_deploy_finds_no_issues():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=production_environment(DJANGO_ALLOWED_HOSTS="example.org"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variables", "redirect"), [({}, "True"), ({"DJANGO_SECURE_SSL_REDIRECT": "0"}, "False")]
)
def test_the_https_redirect_is_on_in_production_unless_switched_off(variables, redirect):
    result = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.SECURE_SSL_REDIRECT)"],
        cwd=PROJECT_DIR,
        env=production_environment(**variables),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == redirect


# gunicorn's configuration


def gunicorn_settings(monkeypatch, **variables):
    for name in ("HOST", "PORT", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(PROJECT_DIR / "config" / "gunicorn.py"))


def test_gunicorn_listens_on_loopback_by_default(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["workers"] >= 3
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert settings["max_requests"] > 0 < settings["max_requests_jitter"]


def test_gunicorn_reads_its_address_workers_and_proxies_from_the_environment(monkeypatch):
    settings = gunicorn_settings(
        monkeypatch, HOST="::", PORT="8080", WEB_CONCURRENCY="3", FORWARDED_ALLOW_IPS="10.0.0.0/8"
    )
    assert settings["bind"] == ["[::]:8080"]
    assert settings["workers"] == 3
    assert settings["forwarded_allow_ips"] == "10.0.0.0/8"


@pytest.mark.parametrize("variable", ["PORT", "WEB_CONCURRENCY"])
@pytest.mark.parametrize("value", ["eight", "0", "-1"])
def test_gunicorn_refuses_a_count_it_cannot_use(monkeypatch, variable, value):
    with pytest.raises(RuntimeError, match=f"{variable} must be a whole number of at least 1"):
        gunicorn_settings(monkeypatch, **{variable: value})


# Under gunicorn, as `make serve` runs it


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """gunicorn with production settings (HTTPS redirect on) and a migrated SQLite database."""
    settings_directory = collect_static(tmp_path_factory.getbasetemp() / "production")
    database = tmp_path_factory.mktemp("serving") / "db.sqlite3"
    environment = production_environment(settings_directory, DATABASE_URL=f"sqlite:///{database}")
    manage("migrate", "--no-input", "--verbosity=0", environment=environment)
    server = GunicornServer(environment, database.parent / "gunicorn.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_plain_http_is_redirected_to_https_but_the_health_check_is_not(production_server):
    response = production_server.get("/speakers/")
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{production_server.port}/speakers/"
    assert production_server.get("/healthz").status_code == 200


def test_pages_carry_the_security_headers(production_server):
    response = production_server.get("/", headers=HTTPS_PROXY)
    assert response.status_code == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"] == (
        f"max-age={ONE_YEAR}; includeSubDomains; preload"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", headers["Content-Security-Policy"])
    assert nonce, headers["Content-Security-Policy"]
    assert f'nonce="{nonce[1]}"' in response.text


def test_cookies_are_secure_and_http_only(production_server):
    response = production_server.get("/admin/login/", headers=HTTPS_PROXY)
    assert response.status_code == 200
    [csrf_cookie] = [
        cookie for cookie in response.headers.get_all("Set-Cookie") if cookie.startswith("csrf")
    ]
    attributes = {attribute.strip().lower() for attribute in csrf_cookie.split(";")}
    assert {"secure", "httponly"} <= attributes


def test_the_404_page_under_gunicorn(production_server):
    response = production_server.get("/no-such-page/", headers=HTTPS_PROXY)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text


def hashed_stylesheet(server):
    page = server.get("/no-such-page/", headers=HTTPS_PROXY).text
    [href] = re.findall(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    return href


def test_static_files_are_served_under_hashed_names_and_cached_for_good(production_server):
    response = production_server.get(hashed_stylesheet(production_server), headers=HTTPS_PROXY)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")
    cache_control = response.headers["Cache-Control"]
    assert "immutable" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control)[1]) >= ONE_YEAR
    assert b".site-header" in response.body


@pytest.mark.parametrize(
    ("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_static_files_are_served_compressed(production_server, encoding, decompress):
    href = hashed_stylesheet(production_server)
    plain = production_server.get(href, headers=HTTPS_PROXY)
    compressed = production_server.get(href, headers=HTTPS_PROXY | {"Accept-Encoding": encoding})
    assert compressed.status_code == 200
    assert compressed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert len(compressed.body) < len(plain.body)
    assert decompress(compressed.body) == plain.body


def test_gunicorn_logs_requests_on_standard_output_one_line_each(production_server):
    production_server.get("/no-such-page/?from=log-test", headers=HTTPS_PROXY)
    lines = production_server.log_lines("from=log-test")
    assert len(lines) == 1
    assert re.search(
        r"Z INFO gunicorn\.access 127\.0\.0\.1 .*/no-such-page/\?from=log-test", lines[0]
    )
    assert '" 404 ' in lines[0]


def test_gunicorn_starts_as_many_workers_as_asked_for(production_server):
    assert production_server.environment["WEB_CONCURRENCY"] == "2"
    assert production_server.log().count("gunicorn.error Booting worker with pid") == 2


def test_a_request_for_another_host_answers_the_400_page(client, db):
    response = client.get("/", headers={"host": "not-ours.example"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This request could not be read" in page
    assert 'class="site-header"' in page
    assert "not-ours.example" not in page


def test_too_many_files_at_once_answers_the_400_page(admin_client):
    files = [
        SimpleUploadedFile(f"{number}.txt", b"text", "text/plain")
        for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]
    response = admin_client.post(reverse("admin:sources_article_import"), {"files": files})
    assert response.status_code == 400
    assert "too many files at once" in response.content.decode()


def test_a_page_an_account_may_not_open_answers_the_403_page(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("admin:sources_article_import"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not open this page" in page
    assert 'href="/admin/"' in page


def test_a_form_without_its_token_answers_the_expired_form_page(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("admin:login"), {"username": "editor", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form has expired" in page
    assert "nothing was saved" in page
