"""Serializers of the events API: input serializers validate, output serializers expose.

Input serializers never save anything: views pass ``validated_data`` to a service. Output
serializers list every field they publish, so a new model field is never leaked by accident.
"""

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from events.models import Event

User = get_user_model()


class SignupInputSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})

    class Meta:
        model = User
        fields = ["username", "email", "password"]

    def validate_email(self, value):
        value = value.lower()
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError("An account with this e-mail already exists.")
        return value

    def validate_password(self, value):
        try:
            password_validation.validate_password(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from error
        return value


class AccountOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email"]


class EventInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=60)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=500)

    def validate_slug(self, value):
        value = value.lower()
        if Event.objects.filter(slug=value).exists():
            raise serializers.ValidationError("An event with this slug already exists.")
        return value

    def validate(self, attrs):
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": "The event must end after it starts."})
        return attrs


class EventOutputSerializer(serializers.ModelSerializer):
    organizer = serializers.CharField(source="organizer.username", read_only=True)

    class Meta:
        model = Event
        fields = ["id", "title", "slug", "organizer", "starts_at", "ends_at", "capacity", "is_featured"]
        read_only_fields = fields
