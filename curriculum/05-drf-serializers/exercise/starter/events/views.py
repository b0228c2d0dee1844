"""API views of the events app.

TODO(input-output): make these thin: validate the request with an input serializer, pass its
validated_data to a function of events/services.py (they are written already), and answer
with an output serializer. The serializers themselves must not save anything.
"""

from rest_framework import generics
from rest_framework.permissions import AllowAny

from events import selectors
from events.serializers import EventSerializer, SignupSerializer


class SignupView(generics.CreateAPIView):
    serializer_class = SignupSerializer
    permission_classes = [AllowAny]


class EventListCreateView(generics.ListCreateAPIView):
    serializer_class = EventSerializer

    def get_queryset(self):
        return selectors.event_list()

    def perform_create(self, serializer):
        serializer.save(organizer=self.request.user)


class EventDetailView(generics.RetrieveAPIView):
    serializer_class = EventSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.event_list()
