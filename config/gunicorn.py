"""gunicorn's settings for production: `gunicorn --config config/gunicorn.py` (make serve).

Read from the environment:
  HOST, PORT            where to listen (127.0.0.1 and 8000): the TLS proxy forwards there
  WEB_CONCURRENCY       worker processes (2 per CPU core plus one, at most 12)
  FORWARDED_ALLOW_IPS   addresses of the proxies trusted to say the visitor used HTTPS
                        (127.0.0.1,::1; comma-separated addresses or networks, or *)
  DJANGO_LOG_LEVEL      gunicorn's own messages, as for Django's (INFO)
"""

import os

from serving.log_format import stdout_logging


def _positive_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def _default_workers():
    # Sync workers each serve one request at a time, waiting on the database most of it.
    # Each holds its own connection pool: past a dozen, PostgreSQL's max_connections
    # (100 by default) is reached sooner than any gain in throughput.
    cores = os.cpu_count() or 1
    return min(2 * cores + 1, 12)


wsgi_app = "config.wsgi:application"

_host = os.environ.get("HOST", "").strip() or "127.0.0.1"
_port = _positive_int("PORT", 8000)
bind = [f"[{_host}]:{_port}" if ":" in _host else f"{_host}:{_port}"]
workers = _positive_int("WEB_CONCURRENCY", _default_workers())

# The proxy terminates TLS and says so in X-Forwarded-Proto. gunicorn believes
# that header from these addresses only, but Django reads it from any client
# (SECURE_PROXY_SSL_HEADER): gunicorn must be reachable through the proxy alone.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "").strip() or "127.0.0.1,::1"

# A request that takes longer than this has a worker killed and restarted.
timeout = 30
# On SIGTERM or SIGHUP, requests under way get this long to finish.
graceful_timeout = 30
# Workers are replaced now and then, staggered so that they do not all restart at
# once: whatever memory a worker has gathered is returned. Not too often: a worker
# restarting under load (each loads Django afresh) costs more than it returns.
max_requests = 20000
max_requests_jitter = 2000

# Several instances may run on one host, and the default control socket path is
# shared: the last one started would take it over. Signals do the same job.
control_socket_disable = True

# Both logs on standard output, one line a record, in the same format as Django's.
# The client address is the proxy's; X-Forwarded-For carries the visitor's.
access_log_format = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
_log_level = os.environ.get("DJANGO_LOG_LEVEL", "").strip().upper() or "INFO"
logconfig_dict = stdout_logging(
    _log_level,
    {
        "gunicorn.error": {"handlers": ["stdout"], "level": _log_level, "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
)
