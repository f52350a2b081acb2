"""The site's own URLs, plus the floor that its pages are compared with."""

from django.urls import path

from bench import FLOOR_PATH
from bench.floor import floor
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path(FLOOR_PATH.strip("/") + "/", floor, name="bench-floor"),
    *site_urlpatterns,
]
