"""Public pages reached from a message or a subscription, no sign-in: a reminder's
Confirm/Cancel, the self-booking page, a clinician's calendar feed."""

from django.urls import path

from cleannote.apps.scheduling import patient_link_views

app_name = "patient_links"
urlpatterns = [
    path("reminder/<str:token>/", patient_link_views.reminder_page, name="reminder"),
]
urlpatterns += [
    path("feed/<str:token>.ics", patient_link_views.calendar_feed, name="calendar_feed"),
]
urlpatterns += [
    path("book/<str:token>/", patient_link_views.self_booking_page, name="self_booking"),
]
