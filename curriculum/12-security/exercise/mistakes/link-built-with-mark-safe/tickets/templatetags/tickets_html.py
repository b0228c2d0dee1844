"""HTML snippets built in Python."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def ticket_link(ticket):
    """``<a href="/tickets/7/" class="ticket-open">Printer on fire</a>``"""
    url = escape(reverse("tickets:detail", args=[ticket.pk]))
    return mark_safe(f'<a href="{url}" class="ticket-{ticket.status}">{ticket.title}</a>')  # noqa: S308
