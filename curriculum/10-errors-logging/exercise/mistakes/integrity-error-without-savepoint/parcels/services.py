"""Write-side business logic for parcels."""

import logging

from django.db import IntegrityError

from parcels.models import Parcel

logger = logging.getLogger(__name__)


class DuplicateTrackingCode(Exception):
    def __init__(self, tracking_code: str):
        super().__init__(tracking_code)
        self.tracking_code = tracking_code


def parcel_register(*, tracking_code: str, recipient_name: str, postcode: str, weight_grams: int) -> Parcel:
    """Store a new parcel; raise DuplicateTrackingCode if the code is already taken.

    No "does it exist?" query first: between that check and the INSERT another request can
    register the same code. The unique constraint decides, and the INSERT runs in its own
    savepoint so that a caller's transaction survives the IntegrityError.
    """
    try:
        return Parcel.objects.create(
            tracking_code=tracking_code,
            recipient_name=recipient_name,
            postcode=postcode,
            weight_grams=weight_grams,
        )
    except IntegrityError as exc:
        logger.warning("duplicate tracking code refused", extra={"tracking_code": tracking_code})
        raise DuplicateTrackingCode(tracking_code) from exc
