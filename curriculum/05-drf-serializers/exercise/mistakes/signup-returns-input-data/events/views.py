"""Thin API views: validate with an input serializer, call a service or selector, answer with an output serializer."""

from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from events import selectors, services
from events.serializers import (
    EventInputSerializer,
    EventOutputSerializer,
    SignupInputSerializer,
)


class SignupView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        serializer = SignupInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.account_sign_up(**serializer.validated_data)
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class EventListCreateView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get(self, request):
        return Response(EventOutputSerializer(selectors.event_list(), many=True).data)

    def post(self, request):
        serializer = EventInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.event_create(organizer=request.user, **serializer.validated_data)
        return Response(EventOutputSerializer(event).data, status=status.HTTP_201_CREATED)


class EventDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get(self, request, slug):
        event = get_object_or_404(selectors.event_list(), slug=slug)
        return Response(EventOutputSerializer(event).data)
