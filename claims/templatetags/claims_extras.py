import json
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Characters that could end the <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """`data` as a JSON-LD <script> element, safe to embed in HTML (nothing when data is None)."""
    if data is None:
        return ""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current page's URL with its filters (`query_without_page`) and page `number`."""
    query = context.get("query_without_page", "")
    separator = "&" if query else ""
    return f"{context['request'].path}?{query}{separator}page={number}"


@register.filter
def url_host(url):
    """The site a link leads to, shown beside it: an article may be a republication."""
    return urlsplit(url).hostname or url
