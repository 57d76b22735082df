"""Clearinghouse profiles: the owner only (ADR 0700); payer routes: billers too (ADR 0707)."""

from django.urls import path

from cleannote.apps.exchange import views

app_name = "exchange"
urlpatterns = [
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/add/", views.profile_add, name="profile_add"),
    path("profiles/<int:profile_id>/", views.profile_edit, name="profile_edit"),
    path("routes/", views.route_list, name="routes"),
]
