from django.urls import path

from claims import api

app_name = "api"

urlpatterns = [
    path("claims/", api.claim_list, name="claims"),
    path("claims.csv", api.claims_csv, name="claims-csv"),
    # Any segment, not only a valid slug, so that a JSON client always gets a JSON 404.
    path("claims/<str:slug>/", api.claim_detail, name="claim"),
]
