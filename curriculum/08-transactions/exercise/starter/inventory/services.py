"""Write-side business logic of the inventory: reserving stock."""

from decimal import Decimal

from inventory.models import Product, Reservation, ReservationLine
from inventory.notifications import send_reservation_confirmation


class ReservationError(Exception):
    """A reservation that cannot be made."""

    def __init__(self, sku: str):
        super().__init__(sku)
        self.sku = sku


class UnknownProduct(ReservationError):
    pass


class OutOfStock(ReservationError):
    pass


def reservation_create(*, customer_email: str, items: dict[str, int]) -> Reservation:
    """Reserve ``items`` ({sku: quantity}) for a customer and take the stock.

    It works when everything goes well. Run ``pytest`` to see what happens when it does not.

    TODO(atomic): a reservation must be all or nothing. Today, when the third product is out
    of stock (or the database fails halfway), the reservation row, the first lines and the
    stock already taken stay in the database. Make the whole function one transaction.

    TODO(select-for-update): two customers reserving the last stove at the same moment both
    read stock = 1 and both take it. Lock the products before reading their stock: all of
    them in ONE query, in a stable order (by primary key), inside the transaction.

    TODO(on-commit): the confirmation e-mail goes out before anything is committed (and even
    for a reservation that is later rolled back). Send it only after the commit.
    """
    reservation = Reservation.objects.create(customer_email=customer_email)
    total = Decimal("0")
    for sku, quantity in items.items():
        try:
            product = Product.objects.get(sku=sku)
        except Product.DoesNotExist:
            raise UnknownProduct(sku) from None
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

    send_reservation_confirmation(reservation_id=reservation.pk)
    return reservation
