from django.urls import path
from django.utils.feedgenerator import Atom1Feed

from claims import feeds

app_name = "feeds"


def rss_and_atom(route, feed_class, name):
    """The feed in RSS 2.0 at `route` and in Atom 1.0 at `route`atom/."""
    return [
        path(route, feeds.feed_view(feed_class()), name=name),
        path(f"{route}atom/", feeds.feed_view(feed_class(Atom1Feed)), name=f"{name}-atom"),
    ]


urlpatterns = [
    *rss_and_atom("claims/", feeds.SearchFeed, "claims"),
    *rss_and_atom("speakers/<slug:slug>/", feeds.SpeakerFeed, "speaker"),
    *rss_and_atom("topics/<slug:slug>/", feeds.TopicFeed, "topic"),
    *rss_and_atom("status/<str:status>/", feeds.StatusFeed, "status"),
    *rss_and_atom("updates/", feeds.UpdatesFeed, "updates"),
]
