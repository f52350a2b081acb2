"""Importing article files in the admin: an editor uploads them, and each imports or fails alone."""

import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse

from sources.importing import ARTICLE_FILE_MAX_BYTES
from sources.models import Article, Outlet

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:sources_article_import")
SEEDS = Path(settings.BASE_DIR) / "seeds"
TASS_2019 = "000_7b884753c71599ef.txt"  # "May 14" in the text, no year
SPUTNIK_2021 = "002_be3ff52dd8927ab6.txt"


def seed_upload(name, *, as_name=None):
    return SimpleUploadedFile(as_name or name, (SEEDS / name).read_bytes(), "text/plain")


def upload(client, *files, check_only=False, outlet=None):
    data = {"files": list(files)}
    if check_only:
        data["check_only"] = "on"
    if outlet is not None:
        data["outlet_otherwise"] = outlet.pk
    return client.post(IMPORT_URL, data)


def unnamed_outlet_upload(name="geneva.txt"):
    """An article whose text names no outlet the importer knows."""
    text = (
        "Moscow and Washington resume cyber talks\n\n"
        "GENEVA, March 3 - Russian and US officials met on Thursday to discuss "
        "attacks on critical infrastructure, both delegations said.\n\n"
        "The talks will continue next month.\n"
    )
    return SimpleUploadedFile(name, text.encode(), "text/plain")


def results(response):
    """{file name: ImportedFile} of the page's report."""
    return {file.name: file for file in response.context["imported_files"]}


def test_the_articles_list_offers_the_import_to_editors(editor_client):
    response = editor_client.get(reverse("admin:sources_article_changelist"))

    assert f'href="{IMPORT_URL}"' in response.text


def test_the_import_page_asks_for_files(editor_client):
    response = editor_client.get(IMPORT_URL)

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert '<input type="file" name="files"' in response.text
    assert "multiple" in response.text
    assert response.context["imported_files"] is None


def test_an_uploaded_file_becomes_an_article_read_from_its_text(editor_client, editor):
    response = upload(editor_client, seed_upload(SPUTNIK_2021))

    assert response.status_code == 200
    article = Article.objects.get(seed_file=SPUTNIK_2021)
    assert article.outlet.name == "Sputnik"
    assert article.title.startswith("Lavrov: US Gave Russia No Clear Response")
    assert article.published_on == datetime.date(2021, 7, 8)
    assert article.raw_text.encode() == (SEEDS / SPUTNIK_2021).read_bytes()
    assert "Go to the mediabank" not in article.text
    assert results(response)[SPUTNIK_2021].outcome == "created"
    change_url = reverse("admin:sources_article_change", args=[article.pk])
    assert f'href="{change_url}"' in response.text
    # The article's history says where it came from, and who brought it in.
    entry = LogEntry.objects.get(object_id=str(article.pk))
    assert (entry.action_flag, entry.user) == (ADDITION, editor)
    assert SPUTNIK_2021 in entry.get_change_message()


def test_the_report_says_what_the_text_did_not_give(editor_client):
    response = upload(editor_client, seed_upload(TASS_2019), seed_upload(SPUTNIK_2021))

    assert Article.objects.get(seed_file=TASS_2019).published_on is None
    assert results(response)[TASS_2019].missing == ["publication date", "URL"]
    assert results(response)[SPUTNIK_2021].missing == ["URL"]
    assert "Publication date, URL" in response.text


def test_a_bad_file_fails_alone_and_says_why(editor_client):
    response = upload(
        editor_client,
        SimpleUploadedFile("empty.txt", b"   \n", "text/plain"),
        SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "text/plain"),
        SimpleUploadedFile("latin1.txt", "Moscou déclare".encode("latin-1"), "text/plain"),
        seed_upload(SPUTNIK_2021),
    )

    assert response.status_code == 200
    assert list(Article.objects.values_list("seed_file", flat=True)) == [SPUTNIK_2021]
    report = results(response)
    assert report["empty.txt"].problem == "the file is empty"
    assert report["photo.txt"].problem == "the file is binary, not text"
    assert report["latin1.txt"].problem.startswith("the file is not UTF-8 text")
    assert "<strong>Not imported:</strong> the file is empty" in response.text


def test_a_file_too_large_to_be_an_article_is_not_read(editor_client):
    big = SimpleUploadedFile("dump.txt", b"a" * (ARTICLE_FILE_MAX_BYTES + 1), "text/plain")

    response = upload(editor_client, big)

    assert results(response)["dump.txt"].problem.startswith("the file is larger than 2 MB")
    assert not Article.objects.exists()


def test_importing_the_same_file_again_changes_nothing(editor_client):
    upload(editor_client, seed_upload(SPUTNIK_2021))
    article = Article.objects.get()

    response = upload(editor_client, seed_upload(SPUTNIK_2021))

    assert results(response)[SPUTNIK_2021].outcome == "unchanged"
    assert Article.objects.get() == article
    assert Outlet.objects.count() == 1
    assert "Already imported, unchanged" in response.text


def test_other_text_under_an_imported_name_changes_nothing(editor_client, claim):
    # The claim quotes its article, which the command imported from a file of this name.
    article = claim.article
    article.seed_file = SPUTNIK_2021
    article.save()
    text = article.text

    response = upload(editor_client, seed_upload(SPUTNIK_2021))

    problem = results(response)[SPUTNIK_2021].problem
    assert problem.startswith(f"the article {article.title!r} was imported from a file of this")
    article.refresh_from_db()
    assert article.text == text


def test_two_files_of_one_name_in_one_upload(editor_client):
    response = upload(
        editor_client,
        seed_upload(SPUTNIK_2021),
        seed_upload(TASS_2019, as_name=SPUTNIK_2021),
    )

    assert [file.outcome for file in response.context["imported_files"]] == ["created", None]
    problem = response.context["imported_files"][1].problem
    assert problem == "another file of this name, with other text, is in this import"
    assert Article.objects.get().outlet.name == "Sputnik"


def test_the_same_file_given_twice_imports_once(editor_client):
    response = upload(editor_client, seed_upload(SPUTNIK_2021), seed_upload(SPUTNIK_2021))

    assert len(response.context["imported_files"]) == 1
    assert Article.objects.count() == 1


def test_check_only_reports_and_imports_nothing(editor_client):
    response = upload(
        editor_client,
        seed_upload(SPUTNIK_2021),
        SimpleUploadedFile("empty.txt", b"", "text/plain"),
        check_only=True,
    )

    assert response.status_code == 200
    assert not Article.objects.exists()
    assert not Outlet.objects.exists()
    assert not LogEntry.objects.exists()
    report = results(response)
    assert report[SPUTNIK_2021].outcome == "created"
    assert report["empty.txt"].problem == "the file is empty"
    assert "Checked, nothing imported" in response.text
    assert "Would be a new article" in response.text
    # The checked article was never saved: nothing to link to.
    assert "/admin/sources/article/" not in response.text.split("Checked, nothing imported")[1]


def test_no_file_is_a_form_error(editor_client):
    response = editor_client.post(IMPORT_URL, {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"files": ["Choose one or more article files."]}
    assert response.context["imported_files"] is None


def test_a_database_refusal_fails_that_file_alone(editor_client):
    real_save = Article.save

    def refuse_tass(article, *args, **kwargs):
        if article.seed_file == TASS_2019:
            raise DatabaseError("value too long for type character varying(300)\nDETAIL: ...")
        return real_save(article, *args, **kwargs)

    with mock.patch.object(Article, "save", refuse_tass):
        response = upload(editor_client, seed_upload(TASS_2019), seed_upload(SPUTNIK_2021))

    problem = results(response)[TASS_2019].problem
    assert problem == "the database refused it: value too long for type character varying(300)"
    assert list(Article.objects.values_list("seed_file", flat=True)) == [SPUTNIK_2021]
    # The TASS outlet, made for the refused article, went with it.
    assert list(Outlet.objects.values_list("name", flat=True)) == ["Sputnik"]


def test_only_those_who_may_add_articles_may_import(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_article", content_type__app_label="sources")
    )
    client.force_login(viewer)

    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, seed_upload(SPUTNIK_2021)).status_code == 403
    assert (
        'href="/admin/sources/article/import/"'
        not in client.get(reverse("admin:sources_article_changelist")).text
    )
    assert not Article.objects.exists()


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_text_that_names_no_outlet_asks_for_one(editor_client):
    response = upload(editor_client, unnamed_outlet_upload())

    problem = results(response)["geneva.txt"].problem
    assert problem == "the text does not name its outlet: choose it, and import again"
    assert not Article.objects.exists()


def test_the_outlet_chosen_is_for_texts_that_name_none(editor_client):
    reuters = Outlet.objects.create(name="Reuters", slug="reuters")

    response = upload(
        editor_client, unnamed_outlet_upload(), seed_upload(SPUTNIK_2021), outlet=reuters
    )

    assert results(response)["geneva.txt"].outcome == "created"
    assert Article.objects.get(seed_file="geneva.txt").outlet == reuters
    # A text that names its outlet keeps it.
    assert Article.objects.get(seed_file=SPUTNIK_2021).outlet.name == "Sputnik"
