"""Catalogue rules other apps may use (billing prices invoice lines with them)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def price_with_vat(book):
    """The price a customer pays for one copy: the net price plus VAT, rounded to the cent."""
    return (book.net_price * (1 + book.vat_rate)).quantize(CENT, rounding=ROUND_HALF_UP)
