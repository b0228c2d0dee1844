"""Thin API views: validate, call a service, translate domain errors into API errors."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from parcels import carrier, services
from parcels.api.serializers import ParcelInputSerializer, ParcelSerializer
from parcels.models import Parcel


class ParcelCreate(APIView):
    def post(self, request):
        serializer = ParcelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # TODO(integrity-error): DuplicateTrackingCode -> 409, code "duplicate_tracking_code".
        parcel = services.parcel_register(**serializer.validated_data)
        return Response(ParcelSerializer(parcel).data, status=status.HTTP_201_CREATED)


class ParcelDetail(APIView):
    def get(self, request, tracking_code):
        # TODO(does-not-exist): an unknown tracking code is a 500 today; it must be a 404.
        parcel = Parcel.objects.get(tracking_code=tracking_code)
        return Response(ParcelSerializer(parcel).data)


class ParcelQuote(APIView):
    def get(self, request, tracking_code):
        # TODO(does-not-exist): 404 for an unknown parcel here too.
        parcel = Parcel.objects.get(tracking_code=tracking_code)
        # TODO(external-apis): CarrierUnavailable -> 503, code "carrier_unavailable".
        quote = carrier.delivery_quote(parcel=parcel)
        return Response({"tracking_code": parcel.tracking_code, "price": str(quote["price"]), "days": quote["days"]})
