from django.urls import path

from cleannote.apps.scheduling import series_views, views, waitlist_views

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
    path("waitlist/", waitlist_views.waitlist, name="waitlist"),
    path("waitlist/add/", waitlist_views.add_entry, name="waitlist_add"),
    path(
        "waitlist/<int:entry_id>/offer/<int:slot_id>/",
        waitlist_views.offer,
        name="waitlist_offer",
    ),
    path("waitlist/<int:entry_id>/book/<int:slot_id>/", waitlist_views.book, name="waitlist_book"),
    path("waitlist/<int:entry_id>/withdraw/", waitlist_views.withdraw, name="waitlist_withdraw"),
]
