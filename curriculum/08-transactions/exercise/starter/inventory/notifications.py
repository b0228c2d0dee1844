"""Side effects of a reservation: the confirmation e-mail."""

from django.conf import settings
from django.core.mail import send_mail

from inventory.models import Reservation


def send_reservation_confirmation(*, reservation_id: int) -> None:
    """E-mail the customer what they reserved.

    It reads the reservation back from the database, as a background worker would: it only
    makes sense once the reservation is committed.
    """
    reservation = Reservation.objects.prefetch_related("lines__product").get(pk=reservation_id)
    lines = "\n".join(f"{line.quantity} x {line.product.name}" for line in reservation.lines.all())
    send_mail(
        subject=f"Reservation #{reservation.pk} confirmed",
        message=f"You reserved:\n{lines}\n\nTotal: {reservation.total}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[reservation.customer_email],
    )
