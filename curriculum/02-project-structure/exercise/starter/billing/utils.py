"""Odds and ends for invoices."""

from catalog.views import price_with_vat


def line_unit_price(book):
    return price_with_vat(book)


def invoice_number(invoice):
    return f"INV-{invoice.pk:06d}"
