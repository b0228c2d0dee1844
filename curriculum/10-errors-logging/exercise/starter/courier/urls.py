from django.urls import path

from parcels.api import views

urlpatterns = [
    path("api/parcels/", views.ParcelCreate.as_view(), name="parcel-create"),
    path("api/parcels/<str:tracking_code>/", views.ParcelDetail.as_view(), name="parcel-detail"),
    path("api/parcels/<str:tracking_code>/quote/", views.ParcelQuote.as_view(), name="parcel-quote"),
]
