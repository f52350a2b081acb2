from django import template
from django.conf import settings
from django.templatetags.static import static

register = template.Library()


@register.simple_tag
def static_or_unhashed(path):
    """The static file's URL, or its unhashed URL when the manifest does not list it.

    With the manifest storage, {% static %} raises for a file missing from the
    manifest (collectstatic not run, or run on older files). The error pages
    must render all the same: they are shown when something is already broken.
    """
    try:
        return static(path)
    except ValueError:
        return f"{settings.STATIC_URL}{path}"
