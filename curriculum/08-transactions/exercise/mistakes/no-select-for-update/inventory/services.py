"""Write-side business logic of the inventory: reserving stock.

A reservation is all or nothing: the reservation row, its lines and every stock change are
committed together, or not at all.
"""

from decimal import Decimal
from functools import partial

from django.db import transaction

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


@transaction.atomic
def reservation_create(*, customer_email: str, items: dict[str, int]) -> Reservation:
    """Reserve ``items`` ({sku: quantity}) for a customer and take the stock.

    - One transaction: any exception (OutOfStock, UnknownProduct, a database error) rolls
      back the reservation, its lines and the stock already taken.
    - The products are locked (SELECT ... FOR UPDATE; WITH (ROWLOCK, UPDLOCK) on SQL Server)
      before their stock is read, all in one query and in primary-key order, so that two
      concurrent reservations cannot both take the last tent and always lock in the same
      order (no deadlock).
    - The confirmation e-mail is sent only once the transaction has committed.
    """
    locked = Product.objects.filter(sku__in=items).order_by("pk")
    products = {product.sku: product for product in locked}

    reservation = Reservation.objects.create(customer_email=customer_email)
    total = Decimal("0")
    for sku, quantity in items.items():
        product = products.get(sku)
        if product is None:
            raise UnknownProduct(sku)
        if product.stock < quantity:
            raise OutOfStock(sku)
        product.stock -= quantity
        product.save(update_fields=["stock"])
        ReservationLine.objects.create(
            reservation=reservation, product=product, quantity=quantity, unit_price=product.price
        )
        total += product.price * quantity
    reservation.total = total
    reservation.save(update_fields=["total"])

    transaction.on_commit(partial(send_reservation_confirmation, reservation_id=reservation.pk))
    return reservation
