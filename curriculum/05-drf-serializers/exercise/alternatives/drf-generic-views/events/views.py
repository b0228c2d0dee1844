"""Thin API views built on DRF's generic views: input serializers validate, services write,
output serializers answer."""

from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from events import selectors, services
from events.serializers import (
    AccountOutputSerializer,
    EventInputSerializer,
    EventOutputSerializer,
    SignupInputSerializer,
)


class SignupView(generics.CreateAPIView):
    permission_classes = [AllowAny]
    serializer_class = SignupInputSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.account_sign_up(**serializer.validated_data)
        return Response(AccountOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class EventListCreateView(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = None

    def get_queryset(self):
        return selectors.event_list()

    def get_serializer_class(self):
        return EventInputSerializer if self.request.method == "POST" else EventOutputSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.event_create(organizer=request.user, **serializer.validated_data)
        return Response(EventOutputSerializer(event).data, status=status.HTTP_201_CREATED)


class EventDetailView(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = EventOutputSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.event_list()
