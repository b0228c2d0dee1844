"""XSS: text a customer typed is shown as text, never run as HTML or script."""

import re
from html.parser import HTMLParser

import pytest

from tests_hidden.helpers import make_user
from tickets.models import Ticket

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(document.cookie)">'


@pytest.fixture
def alice(db):
    return make_user("alice")


def test_ticket_body_is_escaped(client, alice):
    client.force_login(alice)
    response = client.post("/tickets/new/", {"title": "Help", "body": f"Hi,\n{SCRIPT}\n{IMG}"})
    assert response.status_code in (301, 302, 303), f"Creating the ticket answered {response.status_code}."
    ticket = Ticket.objects.get(owner=alice, title="Help")
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert SCRIPT not in html and "<img src=x" not in html, (
        "The ticket page puts the customer's text into the HTML as markup: <script> runs in the browser of "
        "every support agent who opens it. Remove |safe / mark_safe / {% autoescape off %} from the body."
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, (
        "The body must still be shown, escaped: expected &lt;script&gt;alert(1)&lt;/script&gt; in the page."
    )


def test_ticket_body_keeps_line_breaks(client, alice):
    ticket = Ticket.objects.create(owner=alice, title="Steps", body="First line\nSecond line")
    client.force_login(alice)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert re.search(r"First line<br\s*/?>\s*Second line", html), (
        "The customer's line breaks are lost. Escaping and line breaks are not a trade-off: the "
        "linebreaksbr filter escapes the text first, then inserts <br>."
    )


def test_ticket_title_is_escaped_in_list(client, alice):
    ticket = Ticket.objects.create(owner=alice, title=f"Broken {IMG}", body="See title.")
    client.force_login(alice)
    html = client.get("/tickets/").content.decode()
    assert IMG not in html and "<img src=x" not in html, (
        "The ticket list renders the title as HTML. ticket_link() builds its <a> with an f-string and "
        "mark_safe(), which marks the title safe too: build the snippet with format_html(), which escapes "
        "every argument."
    )
    assert "Broken &lt;img src=x" in html, "The title must still be listed, escaped."
    assert re.search(rf"<a href=[\"']?/tickets/{ticket.pk}/[^>]*>", html), (
        "The list must still link each title to its ticket (<a href=\"/tickets/<id>/\" ...>)."
    )


class EventHandlers(HTMLParser):
    """Collects every on* attribute of every tag, as a browser would parse them."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, name, value) for name, value in attrs if name.lower().startswith("on")]


def event_handlers(html):
    parser = EventHandlers()
    parser.feed(html)
    return parser.found


# No <, >, quote or &: escaping changes nothing in it. Only quoted attribute values stop it.
ATTRIBUTE_PAYLOAD = "Printer onmouseover=alert(document.cookie) x"


def test_title_cannot_add_an_event_handler(client, alice):
    ticket = Ticket.objects.create(owner=alice, title=ATTRIBUTE_PAYLOAD, body="See title.")
    client.force_login(alice)
    pages = {url: client.get(url).content.decode() for url in ("/tickets/", f"/tickets/{ticket.pk}/")}
    found = {url: event_handlers(html) for url, html in pages.items() if event_handlers(html)}
    assert not found, (
        f"A ticket titled {ATTRIBUTE_PAYLOAD!r} added an event handler to the page: {found!r}. The title holds no "
        "markup character, so escaping changes nothing; it breaks out of an unquoted attribute value "
        "(title={} or href={} without quotes). Quote every attribute value in HTML you build: "
        "format_html('<a href=\"{}\">{}</a>', ...)."
    )
    assert all(ATTRIBUTE_PAYLOAD in html for html in pages.values()), "The title must still be shown."
