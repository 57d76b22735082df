from django.urls import path

from cleannote.apps.scheduling import (
    calendar_views,
    hours_views,
    series_views,
    settings_views,
    views,
    waitlist_views,
)

app_name = "scheduling"
urlpatterns = [
    path("", views.day_list, name="day"),
    path("attention/", views.attention, name="attention"),
    path("attention/<int:appointment_id>/plan-report/", views.plan_report, name="plan_report"),
    path("series/new/<int:plan_id>/", series_views.book_series, name="book_series"),
    path("series/<int:series_id>/", series_views.series_page, name="series"),
    path(
        "series/<int:series_id>/visit/<int:appointment_id>/",
        series_views.occurrence_page,
        name="series_occurrence",
    ),
    path("settings/", settings_views.rooms_and_types, name="settings"),
    path("settings/hours/", hours_views.hours, name="settings_hours"),
    path("waitlist/", waitlist_views.waitlist, name="waitlist"),
    path("waitlist/add/", waitlist_views.add_entry, name="waitlist_add"),
    path(
        "waitlist/<int:entry_id>/offer/<int:slot_id>/",
        waitlist_views.offer,
        name="waitlist_offer",
    ),
    path("waitlist/<int:entry_id>/book/<int:slot_id>/", waitlist_views.book, name="waitlist_book"),
    path("waitlist/<int:entry_id>/edit/", waitlist_views.edit_entry, name="waitlist_edit"),
    path("waitlist/<int:entry_id>/withdraw/", waitlist_views.withdraw, name="waitlist_withdraw"),
    path("hold/<int:hold_id>/", waitlist_views.hold_page, name="hold"),
    path("hold/<int:hold_id>/<slug:step>/", waitlist_views.hold_step, name="hold_step"),
    path("week/", calendar_views.week, name="week"),
    path("book/", calendar_views.book, name="book"),
    path("book/patients/", calendar_views.patient_choices, name="patient_choices"),
    path("mine/", calendar_views.my_day, name="my_day"),
    path("appointment/<int:appointment_id>/", calendar_views.appointment_page, name="appointment"),
    path(
        "appointment/<int:appointment_id>/move/",
        calendar_views.reschedule,
        name="reschedule",
    ),
    path(
        "appointment/<int:appointment_id>/<slug:step>/",
        calendar_views.appointment_step,
        name="step",
    ),
]
