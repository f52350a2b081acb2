"""Loaded by pytest (`-p tests.environment`) before Django reads its settings.

The suite runs with development settings, so a bare `pytest` works the same
as `make test` without a real secret key in the environment.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API beside live_server
