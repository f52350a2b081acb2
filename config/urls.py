from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Claimtrack editors"
admin.site.site_title = "Claimtrack"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("feeds/", include("claims.feed_urls")),
    path("api/", include("claims.api_urls")),
    path("", include("claims.urls")),
]
