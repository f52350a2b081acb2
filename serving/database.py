"""Telling a database that cannot answer from any other database error."""

from django.db import InterfaceError, OperationalError, connection, connections
from psycopg_pool import PoolTimeout
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Raised when the server is down, refuses connections, drops them or has no free
# connection in time. Django wraps psycopg's PoolTimeout in its OperationalError
# when it takes a connection from the pool; the bare class covers anything that
# asks the pool itself.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
# The shared cache (Redis) down: public pages do without it (claims.caching), but
# the admin's login limits cannot, and answer the same 503 page.
CACHE_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def check_database():
    """Run `SELECT 1`; raises one of DATABASE_UNAVAILABLE when the database cannot answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def close_connection_pools():
    """Close psycopg's pools while the process can still stop their threads.

    A pool left to the garbage collector at interpreter shutdown waits five
    seconds for each of its threads (psycopg issue 954): after any write, every
    management command, and every gunicorn worker that max_requests replaces,
    would linger for twenty seconds.
    """
    for database in connections.all(initialized_only=True):
        if database.vendor == "postgresql":
            database.close()
            database.close_pool()
