from django.contrib import admin
from django.urls import include, path

from claims.sitemaps import robots_txt, sitemap_index, sitemap_section

admin.site.site_header = "Claimtrack editors"
admin.site.site_title = "Claimtrack"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("feeds/", include("claims.feed_urls")),
    path("api/", include("claims.api_urls")),
    # An index of one sitemap per section, each paginated: no size limit cuts the site short.
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_section, name="sitemap-section"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("serving.urls")),
    path("", include("claims.urls")),
]
