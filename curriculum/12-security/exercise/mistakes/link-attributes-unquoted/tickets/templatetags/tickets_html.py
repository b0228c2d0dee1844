"""HTML snippets built in Python. format_html() escapes every argument."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def ticket_link(ticket):
    """``<a href="/tickets/7/" class="ticket-open">Printer on fire</a>``"""
    url = reverse("tickets:detail", args=[ticket.pk])
    return format_html("<a href={} class=ticket-{} title={}>{}</a>", url, ticket.status, ticket.title, ticket.title)
