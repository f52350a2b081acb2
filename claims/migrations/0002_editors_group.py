"""The Editors group: fact-checkers who record and publish claims in the admin.

Editors add, change and view the newsroom's material and nothing else: no
deleting (a published claim is taken down by unpublishing it) and no user or
group management.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"

EDITOR_PERMISSIONS = {
    "sources": {
        "article": ["add", "change", "view"],
        "outlet": ["add", "change", "view"],
        "speaker": ["add", "change", "view"],
    },
    "claims": {
        "topic": ["add", "change", "view"],
        "claim": ["add", "change", "view"],
        "countersource": ["add", "change", "view"],
        # The claim form shows the status history as a read-only inline, which the
        # admin displays only to users who may view StatusChange rows. Editors never
        # write history by hand: Claim.change_status records it.
        "statuschange": ["view"],
    },
}


def create_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    # Permissions are normally made by post_migrate, after every migration has
    # run; on a fresh database they do not exist yet at this point.
    for app_label in EDITOR_PERMISSIONS:
        create_permissions(
            global_apps.get_app_config(app_label), apps=apps, using=using, verbosity=0
        )
    permissions = [
        Permission.objects.using(using).get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
        for app_label, models in EDITOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0001_initial"),
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
