"""Write operations on orders."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from orders.models import Book, Order, OrderLine
from orders.tasks import send_order_confirmation


class OutOfStock(ValidationError):
    pass


@transaction.atomic
def order_place(*, email, items):
    """Place an order for ``items`` (a list of ``(book_id, quantity)``) and confirm it by e-mail.

    All or nothing: if a book is short of stock, nothing is saved and no e-mail is sent. The
    e-mail task is enqueued only once the transaction has committed, so the worker always
    finds the order, and a rolled-back order never gets a confirmation.
    """
    order = Order.objects.create(email=email)
    for book_id, quantity in items:
        updated = Book.objects.filter(pk=book_id, stock__gte=quantity).update(stock=F("stock") - quantity)
        if not updated:
            raise OutOfStock(f"Not enough copies of book {book_id} in stock.")
        book = Book.objects.get(pk=book_id)
        OrderLine.objects.create(order=order, book=book, quantity=quantity, price=book.price)
    send_order_confirmation.delay(order.pk)
    return order
