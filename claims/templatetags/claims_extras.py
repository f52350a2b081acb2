import json
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from claims import cards, links, widgets

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


@register.filter
def status_badge(status):
    """A verdict, told by its words as well as its colour. `status` is a Status or its value."""
    return SafeString(cards.status_badge(status))


@register.filter
def cards_html(claim_cards):
    return cards.cards_html(claim_cards)


@register.filter
def status_count_items(status_counts):
    """The <li> of each (status, count): its badge and number, dimmed when there are none."""
    items = []
    for status, count in status_counts:
        dimmed = "" if count else ' class="is-zero"'
        items.append(
            f"<li{dimmed}>{cards.status_badge(status)}"
            f' <span class="status-counts__number">{count:,}</span></li>'
        )
    return SafeString("\n".join(items))


@register.filter
def thousands(number):
    """1234 as "1,234", as humanize's intcomma writes it, without the locale machinery."""
    return f"{number:,}"


@register.filter
def url_host(url):
    """The site a link leads to, shown beside it: an article may be a republication."""
    return urlsplit(url).hostname or url


@register.filter
def filter_field(field):
    """A filter form's field with its label and error box (claims.widgets)."""
    return widgets.filter_field(field)


@register.filter
def field_errors(field):
    return widgets.field_errors(field)


@register.filter
def field_errors_out_of_band(field):
    """The error box, for htmx to put in place of the one in the form it leaves alone."""
    return widgets.field_errors(field, out_of_band=True)


@register.simple_tag
def link(name):
    """{% url name %} for a page whose address has no parameters, reversed once (claims.links)."""
    return links.fixed_url(name)
