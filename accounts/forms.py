import logging
import math

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from accounts import throttling

logger = logging.getLogger("accounts")


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form, refusing addresses and names with too many recent failures.

    While locked out, even the right password is refused, and is not checked:
    a guesser learns nothing from trying.
    """

    # Seconds until attempts are accepted again; 0 unless this form refused a lockout.
    retry_after = 0

    def clean(self):
        username = self.cleaned_data.get("username")
        self.retry_after = throttling.seconds_locked_out(self.request, username)
        if self.retry_after:
            logger.warning(
                "Admin login refused while locked out: user name %r from %s",
                username,
                throttling.client_address(self.request),
            )
            minutes = math.ceil(self.retry_after / 60)
            raise ValidationError(
                ngettext(
                    "Too many failed attempts to log in. Please try again in %(minutes)d minute.",
                    "Too many failed attempts to log in. Please try again in %(minutes)d minutes.",
                    minutes,
                ),
                code="locked_out",
                params={"minutes": minutes},
            )
        try:
            cleaned_data = super().clean()
        except ValidationError:
            throttling.record_failure(self.request, username)
            raise
        # No user means no attempt was made (a field was left empty).
        if self.get_user() is not None:
            throttling.clear_failures(self.request, username)
        return cleaned_data
