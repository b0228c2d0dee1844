"""HTML snippets: rendered from a template, so autoescaping applies to every value."""

from django import template

register = template.Library()


@register.inclusion_tag("tickets/_link.html")
def ticket_link(ticket):
    """``<a href="/tickets/7/" class="ticket-open">Printer on fire</a>``"""
    return {"ticket": ticket}
