from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from claims.sitemaps import SITEMAPS, robots_txt

admin.site.site_header = "Claimtrack editors"
admin.site.site_title = "Claimtrack"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("feeds/", include("claims.feed_urls")),
    path("api/", include("claims.api_urls")),
    # An index of one sitemap per section, each paginated: no size limit cuts the site short.
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("serving.urls")),
    path("", include("claims.urls")),
]
