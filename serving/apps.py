import atexit

from django.apps import AppConfig


class ServingConfig(AppConfig):
    name = "serving"
    verbose_name = "Serving"

    def ready(self):
        from serving.database import close_connection_pools

        atexit.register(close_connection_pools)
