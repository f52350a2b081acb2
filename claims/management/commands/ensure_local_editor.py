import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITORS = "Editors"
ADMIN_URL = "http://127.0.0.1:8000/admin/"


class Command(BaseCommand):
    help = (
        "Development only: make sure an account in the Editors group exists, creating "
        "one with a random password (shown once) if there is none. `make run` calls it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--username", default="editor", help="The account to create (default: editor)."
        )

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError(
                "ensure_local_editor is for development only (DJANGO_DEBUG is off). "
                "In production create accounts with createsuperuser and the admin."
            )
        try:
            editors = Group.objects.get(name=EDITORS)
        except Group.DoesNotExist:
            raise CommandError(
                f"There is no {EDITORS} group: run `python manage.py migrate` first."
            ) from None

        existing = editors.user_set.order_by("pk").first()
        if existing is not None:
            self.stdout.write(
                f"An editor account already exists ({existing.get_username()}); "
                f"sign in at {ADMIN_URL}"
            )
            return

        User = get_user_model()
        if User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists():
            raise CommandError(
                f"A user named {username!r} exists but is not in the {EDITORS} group. "
                f"Add it to the group in the admin, or pass --username to create another."
            )
        password = secrets.token_urlsafe(18)
        with transaction.atomic():
            user = User._default_manager.create_user(username, password=password, is_staff=True)
            user.groups.add(editors)

        self.stdout.write(
            self.style.SUCCESS("Created the local editor account (the password is shown once):")
        )
        self.stdout.write(f"  user name: {username}")
        self.stdout.write(f"  password:  {password}")
        self.stdout.write(f"Sign in at {ADMIN_URL}")
