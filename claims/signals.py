"""Keeping derived data in step with edits: search text, published tallies, the corrections
log, the public revision.

Loading fixtures (raw saves) and bulk inserts send none of these: the restore
and seed_demo commands rebuild the tallies, mark the corrections and move the
revision themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from claims import search
from claims.caching import note_public_change
from claims.models import (
    Claim,
    CounterSource,
    PublishedTally,
    Status,
    StatusChange,
    TallyKind,
    Topic,
    published_before,
    tally_key,
)
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


def tallied_keys(claim_id):
    """What the tallies count a stored claim under: {kind: {key}}, empty when unpublished."""
    row = (
        Claim.objects.published()
        .filter(pk=claim_id)
        .values("status", "speaker_id", "article__outlet_id")
        .first()
    )
    if row is None:
        return {}
    topic_ids = Claim.topics.through.objects.filter(claim_id=claim_id).values_list(
        "topic_id", flat=True
    )
    return {
        TallyKind.STATUS: {row["status"]},
        TallyKind.SPEAKER: {row["speaker_id"]},
        TallyKind.OUTLET: {row["article__outlet_id"]},
        TallyKind.TOPIC: set(topic_ids),
        TallyKind.TOPIC_STATUS: {tally_key(topic_id, row["status"]) for topic_id in topic_ids},
    }


def recount(*keys_by_kind):
    for kind in TallyKind:
        keys = set().union(*(keys.get(kind, set()) for keys in keys_by_kind))
        PublishedTally.objects.recount(kind, keys)


@receiver(pre_save, sender=Claim, dispatch_uid="tally-claim-before")
@receiver(pre_delete, sender=Claim, dispatch_uid="tally-claim-before-delete")
def remember_tallied_keys(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._tallied_before = tallied_keys(instance.pk) if instance.pk else {}


@receiver(post_save, sender=Claim, dispatch_uid="tally-claim-after")
def recount_after_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before, after = instance._tallied_before, tallied_keys(instance.pk)
    if before != after:
        recount(before, after)


@receiver(post_delete, sender=Claim, dispatch_uid="tally-claim-after-delete")
def recount_after_delete(sender, instance, **kwargs):
    recount(instance._tallied_before)


@receiver(m2m_changed, sender=Claim.topics.through, dispatch_uid="tally-topics")
def recount_topics(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        instance._topics_before_clear = (
            {instance.pk} if reverse else set(instance.topics.values_list("pk", flat=True))
        )
    elif action in ("post_add", "post_remove", "post_clear"):
        changed = pk_set if action != "post_clear" else instance._topics_before_clear
        topic_ids = {instance.pk} if reverse else changed
        recount_topics_tallies(topic_ids)


@receiver(pre_save, sender=Article, dispatch_uid="tally-article-before")
def remember_outlet(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        instance._outlet_before = (
            Article.objects.filter(pk=instance.pk).values_list("outlet_id", flat=True).first()
        )


@receiver(post_save, sender=Article, dispatch_uid="tally-article-after")
def recount_outlets(sender, instance, raw=False, created=False, **kwargs):
    before = getattr(instance, "_outlet_before", None)
    if not raw and not created and before != instance.outlet_id:
        PublishedTally.objects.recount(TallyKind.OUTLET, {before, instance.outlet_id})


@receiver(post_delete, sender=Topic, dispatch_uid="tally-topic-deleted")
def forget_topic(sender, instance, **kwargs):
    recount_topics_tallies({instance.pk})


def recount_topics_tallies(topic_ids):
    PublishedTally.objects.recount(TallyKind.TOPIC, topic_ids)
    PublishedTally.objects.recount(
        TallyKind.TOPIC_STATUS,
        {tally_key(topic_id, status) for topic_id in topic_ids for status in Status},
    )


@receiver(post_save, sender=Claim, dispatch_uid="corrections-claim")
def mark_claims_corrections(sender, instance, raw=False, **kwargs):
    """Publishing or withdrawing a claim adds its corrections to the log or takes them out."""
    # What the tallies counted it under before the save: nothing while unpublished.
    was_published = bool(getattr(instance, "_tallied_before", None))
    if not raw and was_published != instance.is_published:
        instance.status_changes.mark_public_corrections()


@receiver(pre_save, sender=StatusChange, dispatch_uid="corrections-change")
def mark_correction(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.is_public_correction = published_before(
            instance.claim_id, instance.changed_at
        ).exists()
