from django.urls import path

from claims import api

app_name = "api"

urlpatterns = [
    path("claims/", api.claim_list, name="claims"),
    path("claims.csv", api.claims_csv, name="claims-csv"),
    path("claims/<slug:slug>/", api.claim_detail, name="claim"),
]
