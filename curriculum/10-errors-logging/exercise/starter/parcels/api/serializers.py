from rest_framework import serializers

from parcels.models import Parcel


class ParcelInputSerializer(serializers.Serializer):
    """What a client may send to register a parcel (uniqueness is the service's job)."""

    tracking_code = serializers.RegexField(r"^[A-Z]{2}[0-9]{6,10}$", max_length=12)
    recipient_name = serializers.CharField(max_length=120)
    postcode = serializers.CharField(max_length=10)
    weight_grams = serializers.IntegerField(min_value=1)


class ParcelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Parcel
        fields = ["tracking_code", "recipient_name", "postcode", "weight_grams"]
