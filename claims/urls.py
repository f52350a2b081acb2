from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.tracker, name="tracker"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim"),
    path("speakers/", views.speaker_list, name="speakers"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker"),
    path("articles/", views.article_list, name="articles"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("methodology/", views.methodology, name="methodology"),
    path("corrections/", views.corrections, name="corrections"),
]
