from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from claims.sitemaps import SITEMAPS, robots_txt

admin.site.site_header = "Claimtrack editors"
admin.site.site_title = "Claimtrack"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("feeds/", include("claims.feed_urls")),
    path("api/", include("claims.api_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("claims.urls")),
]
