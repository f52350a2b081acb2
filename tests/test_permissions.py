"""Who may do what in the admin: the Editors group, deleting, and the local editor account."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from claims.models import Claim
from tests import factories

pytestmark = pytest.mark.django_db

CLAIM_CHANGELIST_URL = reverse("admin:claims_claim_changelist")


def delete_url(claim):
    return reverse("admin:claims_claim_delete", args=[claim.pk])


def bulk_delete(client, claims, *, confirmed):
    data = {"action": "delete_selected", "_selected_action": [claim.pk for claim in claims]}
    if confirmed:
        data["post"] = "yes"
    return client.post(CLAIM_CHANGELIST_URL, data, follow=True)


@pytest.fixture
def chief_editor_client(client, editor):
    """An editor who was also given the right to delete claims, but is no superuser."""
    editor.user_permissions.add(Permission.objects.get(codename="delete_claim"))
    client.force_login(editor)
    return client


class TestEditorsGroup:
    def test_group_has_exactly_the_editing_permissions(self):
        editors = Group.objects.get(name="Editors")

        granted = set(editors.permissions.values_list("content_type__app_label", "codename"))

        expected = {
            (app_label, f"{action}_{model}")
            for app_label, model in [
                ("sources", "article"),
                ("sources", "outlet"),
                ("sources", "speaker"),
                ("claims", "topic"),
                ("claims", "claim"),
                ("claims", "countersource"),
            ]
            for action in ["add", "change", "view"]
        } | {("claims", "view_statuschange")}
        assert granted == expected

    def test_editor_sees_the_newsroom_and_nothing_else(self, editor_client):
        response = editor_client.get(reverse("admin:index"))

        assert response.status_code == 200
        models = {
            (app["app_label"], model["object_name"])
            for app in response.context["app_list"]
            for model in app["models"]
        }
        assert models == {
            ("sources", "Article"),
            ("sources", "Outlet"),
            ("sources", "Speaker"),
            ("claims", "Topic"),
            ("claims", "Claim"),
        }

    @pytest.mark.parametrize(
        "url", [reverse("admin:auth_user_changelist"), reverse("admin:auth_group_changelist")]
    )
    def test_editor_cannot_manage_users_or_groups(self, editor_client, url):
        assert editor_client.get(url).status_code == 403

    def test_editor_cannot_give_themselves_permissions(self, editor_client, editor):
        url = reverse("admin:auth_user_change", args=[editor.pk])
        response = editor_client.post(url, {"username": editor.username, "is_superuser": "on"})

        assert response.status_code == 403
        editor.refresh_from_db()
        assert not editor.is_superuser


class TestDeletingClaims:
    def test_editor_cannot_delete_a_published_claim(self, editor_client, claim):
        assert editor_client.get(delete_url(claim)).status_code == 403
        assert editor_client.post(delete_url(claim), {"post": "yes"}).status_code == 403
        assert Claim.objects.filter(pk=claim.pk).exists()

    def test_editor_cannot_delete_a_draft_either(self, editor_client, draft_claim):
        assert editor_client.post(delete_url(draft_claim), {"post": "yes"}).status_code == 403
        assert Claim.objects.filter(pk=draft_claim.pk).exists()

    def test_editor_is_not_offered_bulk_delete(self, editor_client, claim):
        response = editor_client.get(CLAIM_CHANGELIST_URL)

        actions = dict(response.context["action_form"].fields["action"].choices)
        assert "delete_selected" not in actions
        assert "publish" in actions

    def test_editor_cannot_bulk_delete_by_posting(self, editor_client, claim, draft_claim):
        response = bulk_delete(editor_client, [claim, draft_claim], confirmed=True)

        assert response.status_code == 200
        assert Claim.objects.count() == 2

    def test_change_page_of_published_claim_has_no_delete_link(self, editor_client, claim):
        response = editor_client.get(reverse("admin:claims_claim_change", args=[claim.pk]))

        assert response.status_code == 200
        assert delete_url(claim) not in response.content.decode()

    def test_superuser_can_delete_a_published_claim(self, admin_client, claim):
        factories.make_counter_source(claim)

        assert admin_client.get(delete_url(claim)).status_code == 200
        response = admin_client.post(delete_url(claim), {"post": "yes"})

        assert response.status_code == 302
        assert not Claim.objects.exists()

    def test_superuser_can_manage_users(self, admin_client):
        assert admin_client.get(reverse("admin:auth_user_changelist")).status_code == 200

    def test_superuser_can_bulk_delete_published_claims(self, admin_client, claim, draft_claim):
        response = bulk_delete(admin_client, [claim, draft_claim], confirmed=True)

        assert response.status_code == 200
        assert not Claim.objects.exists()

    def test_deleting_published_claims_needs_a_superuser(
        self, chief_editor_client, claim, draft_claim
    ):
        assert chief_editor_client.get(delete_url(claim)).status_code == 403
        change_page = chief_editor_client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
        assert delete_url(claim) not in change_page.content.decode()
        draft_page = chief_editor_client.get(
            reverse("admin:claims_claim_change", args=[draft_claim.pk])
        )
        assert delete_url(draft_claim) in draft_page.content.decode()

        response = bulk_delete(chief_editor_client, [claim, draft_claim], confirmed=True)

        messages = [str(message) for message in get_messages(response.wsgi_request)]
        assert any("cannot be deleted: unpublish instead" in message for message in messages)
        assert Claim.objects.count() == 2

    def test_drafts_may_be_deleted_with_the_permission(self, chief_editor_client, draft_claim):
        confirmation = bulk_delete(chief_editor_client, [draft_claim], confirmed=False)
        assert confirmation.status_code == 200
        assert draft_claim.statement in confirmation.content.decode()

        bulk_delete(chief_editor_client, [draft_claim], confirmed=True)

        assert not Claim.objects.exists()


class TestEnsureLocalEditor:
    @pytest.fixture(autouse=True)
    def development(self, settings):
        # The test runner turns DEBUG off whatever the environment says; `make run` has it on.
        settings.DEBUG = True

    def run(self, capsys):
        call_command("ensure_local_editor")
        return capsys.readouterr().out

    def test_creates_an_editor_once_and_shows_the_password_once(self, client, capsys):
        output = self.run(capsys)

        user = User.objects.get()
        assert user.username == "editor"
        assert user.is_staff
        assert not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
        assert "http://127.0.0.1:8000/admin/" in output
        password = re.search(r"password:\s+(\S+)", output).group(1)
        assert len(password) >= 20
        assert user.check_password(password)
        assert client.login(username="editor", password=password)
        assert client.get(reverse("admin:claims_claim_changelist")).status_code == 200

        again = self.run(capsys)

        assert User.objects.count() == 1
        assert "already exists" in again
        assert password not in again
        assert "password" not in again
        assert len(again.strip().splitlines()) == 1

    def test_an_existing_editor_is_enough(self, editor, capsys):
        output = self.run(capsys)

        assert list(User.objects.all()) == [editor]
        assert "already exists (editor)" in output

    def test_passwords_are_random(self, capsys):
        first = re.search(r"password:\s+(\S+)", self.run(capsys)).group(1)
        User.objects.all().delete()
        second = re.search(r"password:\s+(\S+)", self.run(capsys)).group(1)
        assert first != second

    def test_a_user_named_editor_outside_the_group_is_not_taken_over(self, capsys):
        User.objects.create_user("editor", password="their-own-password-42")

        with pytest.raises(CommandError, match="not in the Editors group"):
            self.run(capsys)

        user = User.objects.get()
        assert user.check_password("their-own-password-42")
        assert not user.groups.exists()

    @override_settings(DEBUG=False)
    def test_refuses_outside_development(self, capsys):
        with pytest.raises(CommandError, match="development only"):
            self.run(capsys)

        assert not User.objects.exists()
        assert capsys.readouterr().out == ""
