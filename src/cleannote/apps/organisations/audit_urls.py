"""The owner's audit page at /audit/; the namespace stays `audit` (ADR 0401)."""

from django.urls import path

from cleannote.apps.organisations import audit_views as views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("verify/", views.verify, name="verify"),
]
