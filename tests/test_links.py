"""The site's addresses, reversed once per process (claims.links)."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_script_prefix

from claims.links import fixed_url, slug_url


@pytest.mark.parametrize("name", ["claims:claim", "claims:speaker", "claims:topic"])
def test_links_are_those_reverse_gives(name):
    assert slug_url(name, "some-slug-2") == reverse(name, kwargs={"slug": "some-slug-2"})


@pytest.mark.parametrize("name", ["claims:tracker", "feeds:claims", "api:claims-csv"])
def test_fixed_addresses_are_those_reverse_gives(name):
    assert fixed_url(name) == reverse(name)
    template = engines["django"].from_string(f"{{% load claims_extras %}}{{% link '{name}' %}}")
    assert template.render() == reverse(name)


def test_what_is_not_a_slug_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        slug_url("claims:claim", "a b/ü")


def test_links_follow_the_sites_script_prefix():
    # A site served under a path (SCRIPT_NAME) links below it.
    set_script_prefix("/newsroom/")
    try:
        assert slug_url("claims:claim", "a-claim") == "/newsroom/claims/a-claim/"
        assert fixed_url("claims:speakers") == "/newsroom/speakers/"
        assert reverse("claims:claim", kwargs={"slug": "a-claim"}) == "/newsroom/claims/a-claim/"
    finally:
        set_script_prefix("/")
    assert slug_url("claims:claim", "a-claim") == "/claims/a-claim/"
