"""The production settings (config.settings), with the few changes a benchmark needs.

- The floor view is routed beside the site's pages (bench.urls).
- CLAIMTRACK_CACHE_SECONDS=0 switches every cache off, not only Claimtrack's own:
  the uncached numbers must not profit from anything kept between requests.
- The throughput run collects static files into a throwaway STATIC_ROOT, with one
  extra folder of files made for the run (BENCH_STATIC_ROOT, BENCH_EXTRA_STATIC).
"""

from config.settings import *  # noqa: F403 (the benchmark measures the real settings)
from config.settings import CLAIMTRACK_CACHE_SECONDS, STATIC_ROOT, STATICFILES_DIRS, env_str

ROOT_URLCONF = "bench.urls"

if CLAIMTRACK_CACHE_SECONDS == 0:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

STATIC_ROOT = env_str("BENCH_STATIC_ROOT") or STATIC_ROOT
if extra_static := env_str("BENCH_EXTRA_STATIC"):
    STATICFILES_DIRS = [*STATICFILES_DIRS, extra_static]
