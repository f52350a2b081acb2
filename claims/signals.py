"""Keeping derived data in step with edits: search text and the public revision."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from claims import search
from claims.caching import note_public_change
from claims.models import Claim, CounterSource, StatusChange, Topic
from sources.models import Article, Outlet, Speaker

# Everything a public page, feed or API response shows comes from these.
PUBLIC_MODELS = [Claim, CounterSource, StatusChange, Topic, Speaker, Outlet, Article]


def public_data_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata: the restore command moves the revision once it is done
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed says so before and after; after is enough
    note_public_change()


for model in PUBLIC_MODELS:
    post_save.connect(public_data_changed, sender=model, dispatch_uid=f"revision-save-{model}")
    post_delete.connect(public_data_changed, sender=model, dispatch_uid=f"revision-del-{model}")
m2m_changed.connect(public_data_changed, sender=Claim.topics.through, dispatch_uid="revision-m2m")


@receiver(post_save, sender=Speaker, dispatch_uid="speaker-search-text")
def refresh_speakers_claims(sender, instance, raw=False, **kwargs):
    """A speaker's claims are found by the speaker's names: search them under the new ones."""
    if raw:
        return
    claims = list(instance.claims.only("pk", "statement", "quote"))
    for claim in claims:
        claim.search_text = search.search_text(
            claim.statement, claim.quote, instance.name, instance.aliases
        )
    Claim.objects.bulk_update(claims, ["search_text"], batch_size=500)
