"""Django's Redis cache backend, with one redis-py client per connection pool.

Django's RedisCacheClient makes a new `redis.Redis` for every cache operation,
and each one builds its table of some 170 response callbacks: on a page served
from the cache, that took longer than the round trip to Redis. A client is safe
to share between threads and holds no connection of its own (its pool does,
and the pool starts afresh in a forked worker), so one per pool does the same
work.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # By the id of the pool, which lives as long as this object (in self._pools).
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
