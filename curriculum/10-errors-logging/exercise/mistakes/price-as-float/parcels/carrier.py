"""Client for the carrier's rate API (an external HTTP service).

Every call has a timeout; every failure (timeout, network error, HTTP error status, a body
that is not the JSON we expect) is logged with the parcel's tracking code and turned into
CarrierUnavailable, which the API answers with 503.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation

from django.conf import settings

from parcels.models import Parcel

logger = logging.getLogger(__name__)


class CarrierUnavailable(Exception):
    """The carrier could not give a quote; the reason is in the log, not for the client."""


def delivery_quote(*, parcel: Parcel) -> dict:
    """Ask the carrier for a delivery quote: {"price": Decimal, "days": int}."""
    query = urllib.parse.urlencode({"postcode": parcel.postcode, "weight": parcel.weight_grams})
    url = f"{settings.CARRIER_API_URL}?{query}"
    try:
        # The URL comes from our settings (https), never from the client.
        with urllib.request.urlopen(url, timeout=settings.CARRIER_TIMEOUT_SECONDS) as response:  # noqa: S310
            payload = json.loads(response.read())
        return {"price": float(payload["price"]), "days": int(payload["days"])}
    except (OSError, ValueError, KeyError, TypeError, InvalidOperation) as exc:
        # OSError covers TimeoutError, urllib.error.URLError and HTTPError; ValueError covers
        # a body that is not JSON; KeyError/TypeError/InvalidOperation a JSON of the wrong shape.
        logger.exception(
            "carrier quote failed",
            extra={"tracking_code": parcel.tracking_code, "postcode": parcel.postcode},
        )
        raise CarrierUnavailable from exc
