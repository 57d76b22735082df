"""The front desk's message settings and a clinician's calendar-feed page."""

from django.urls import path

from cleannote.apps.scheduling import front_desk_views

app_name = "front_desk"
urlpatterns = [
    path("settings/", front_desk_views.settings_page, name="settings"),
    path(
        "self-booking/<int:patient_id>/",
        front_desk_views.self_booking_link_page,
        name="self_booking_link",
    ),
    path("calendar-feed/", front_desk_views.calendar_feed_page, name="calendar_feed"),
]
