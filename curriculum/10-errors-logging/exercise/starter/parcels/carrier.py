"""Client for the carrier's rate API (an external HTTP service).

Call the API as ``urllib.request.urlopen(...)`` (tests replace that function).
"""

import json
import urllib.parse
import urllib.request
from decimal import Decimal

from django.conf import settings

from parcels.models import Parcel


class CarrierUnavailable(Exception):
    """The carrier could not give a quote; the reason is in the log, not for the client."""


def delivery_quote(*, parcel: Parcel) -> dict:
    """Ask the carrier for a delivery quote: {"price": Decimal, "days": int}.

    TODO(external-apis): this call has no timeout, and any failure (a timeout, a network
    error, an HTTP error status, a body that is not the JSON we expect) escapes as a 500.
    Give it a timeout (settings.CARRIER_TIMEOUT_SECONDS) and turn every failure into
    CarrierUnavailable.
    TODO(logging): log each failure once, at ERROR level with the traceback, on this
    module's logger, saying which parcel it was about (extra={"tracking_code": ...}).
    """
    query = urllib.parse.urlencode({"postcode": parcel.postcode, "weight": parcel.weight_grams})
    url = f"{settings.CARRIER_API_URL}?{query}"
    # The URL comes from our settings (https), never from the client.
    with urllib.request.urlopen(url) as response:  # noqa: S310
        payload = json.loads(response.read())
    return {"price": Decimal(str(payload["price"])), "days": int(payload["days"])}
