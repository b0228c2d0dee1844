"""Serializers of the events API.

They "work", but they are what a security review flags first. Read README.md, then replace
them with input serializers (validate what a client may send) and output serializers (list
exactly what a client may see).
"""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from events.models import Event

User = get_user_model()


# TODO(read-write-only): the sign-up response returns the password as it is stored.
# TODO(input-output): split into SignupInputSerializer (username, email, password; never saves)
#   and AccountOutputSerializer (id, username, email).
# TODO(validate-methods): e-mail required, lower-cased and unique in any case; password checked
#   with Django's password validators (settings.AUTH_PASSWORD_VALIDATORS).
class SignupSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "password"]


# TODO(no-all-fields): "__all__" publishes internal_notes and lets clients write is_featured.
# TODO(input-output): split into EventInputSerializer (title, slug, starts_at, ends_at,
#   capacity) and EventOutputSerializer (the fields listed in README.md).
# TODO(validate-methods): slug lower-cased and unique in any case, capacity 1..500, and the
#   event must end after it starts.
class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = "__all__"
        read_only_fields = ["organizer"]
