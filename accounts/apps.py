from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Editors' accounts"

    def ready(self):
        from django.contrib import admin

        from accounts.forms import ThrottledAdminAuthenticationForm
        from accounts.views import answer_429_while_locked_out

        # In time: the admin builds its URLs, taking `login` from the site, on the first request.
        admin.site.login_form = ThrottledAdminAuthenticationForm
        admin.site.login = answer_429_while_locked_out(admin.site.login)
