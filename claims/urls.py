from django.urls import path
from django.views.generic import RedirectView

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.tracker, name="tracker"),
    # The tracker is the list of claims: a reader trimming a claim's URL lands there.
    path("claims/", RedirectView.as_view(pattern_name="claims:tracker", permanent=True)),
    path("claims/<slug:slug>/", views.claim_detail, name="claim"),
    path("speakers/", views.speaker_list, name="speakers"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker"),
    path("articles/", views.article_list, name="articles"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("methodology/", views.methodology, name="methodology"),
    path("corrections/", views.corrections, name="corrections"),
]
