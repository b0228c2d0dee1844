"""Thin API views: validate, call a service, translate domain errors into API errors."""

from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from parcels import carrier, services
from parcels.api.errors import Conflict, ServiceUnavailable
from parcels.api.serializers import ParcelInputSerializer, ParcelSerializer
from parcels.models import Parcel


def parcel_or_404(tracking_code: str) -> Parcel:
    try:
        return Parcel.objects.get(tracking_code=tracking_code)
    except Parcel.DoesNotExist:
        raise NotFound(f"No parcel with tracking code {tracking_code}.") from None


class ParcelCreate(APIView):
    def post(self, request):
        serializer = ParcelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            parcel = services.parcel_register(**serializer.validated_data)
        except services.DuplicateTrackingCode as exc:
            raise ValidationError(
                {"tracking_code": [f"Tracking code {exc.tracking_code} is already registered."]}
            ) from None
        return Response(ParcelSerializer(parcel).data, status=status.HTTP_201_CREATED)


class ParcelDetail(APIView):
    def get(self, request, tracking_code):
        return Response(ParcelSerializer(parcel_or_404(tracking_code)).data)


class ParcelQuote(APIView):
    def get(self, request, tracking_code):
        parcel = parcel_or_404(tracking_code)
        try:
            quote = carrier.delivery_quote(parcel=parcel)
        except carrier.CarrierUnavailable:
            raise ServiceUnavailable(
                "The carrier cannot give a quote right now; try again later.", code="carrier_unavailable"
            ) from None
        return Response({"tracking_code": parcel.tracking_code, "price": str(quote["price"]), "days": quote["days"]})
