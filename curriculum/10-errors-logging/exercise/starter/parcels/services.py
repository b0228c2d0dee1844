"""Write-side business logic for parcels."""

from parcels.models import Parcel


class DuplicateTrackingCode(Exception):
    def __init__(self, tracking_code: str):
        super().__init__(tracking_code)
        self.tracking_code = tracking_code


def parcel_register(*, tracking_code: str, recipient_name: str, postcode: str, weight_grams: int) -> Parcel:
    """Store a new parcel; raise DuplicateTrackingCode if the code is already taken.

    TODO(integrity-error): a tracking code that is already taken makes the INSERT fail with
    IntegrityError, which becomes a 500. Translate it into DuplicateTrackingCode. Do not
    check with exists() first: another request can register the same code between your
    check and your INSERT. And remember that a caller may already be inside a transaction.
    """
    return Parcel.objects.create(
        tracking_code=tracking_code,
        recipient_name=recipient_name,
        postcode=postcode,
        weight_grams=weight_grams,
    )
