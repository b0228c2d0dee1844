"""Write-side business logic of the inventory: reserving stock."""

from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import F

from inventory.models import Product, Reservation, ReservationLine
from inventory.notifications import send_reservation_confirmation


class ReservationError(Exception):
    """A reservation that cannot be made; nothing has been written."""

    def __init__(self, sku: str):
        super().__init__(sku)
        self.sku = sku


class UnknownProduct(ReservationError):
    pass


class OutOfStock(ReservationError):
    pass


def reservation_create(*, customer_email: str, items: dict[str, int]) -> Reservation:
    """Reserve ``items`` ({sku: quantity}) for a customer and take the stock."""
    products = {product.sku: product for product in Product.objects.filter(sku__in=items).order_by("pk")}
    # Take the stock first, with atomic UPDATEs ...
    for sku, quantity in items.items():
        product = products.get(sku)
        if product is None:
            raise UnknownProduct(sku)
        taken = Product.objects.filter(pk=product.pk, stock__gte=quantity).update(stock=F("stock") - quantity)
        if not taken:
            raise OutOfStock(sku)

    # ... then record the reservation in a transaction.
    with transaction.atomic():
        reservation = Reservation.objects.create(customer_email=customer_email)
        total = Decimal("0")
        for sku, quantity in items.items():
            product = products[sku]
            ReservationLine.objects.create(
                reservation=reservation, product=product, quantity=quantity, unit_price=product.price
            )
            total += product.price * quantity
        reservation.total = total
        reservation.save(update_fields=["total"])
        transaction.on_commit(partial(send_reservation_confirmation, reservation_id=reservation.pk))
    return reservation
