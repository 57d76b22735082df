"""Staff's side of the portal: a chart's portal access (ADR 0950)."""

from django.urls import path

from cleannote.apps.portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("<int:patient_id>/", staff_views.portal_access, name="access"),
    path("<int:patient_id>/revoke/<int:access_id>/", staff_views.revoke_access, name="revoke"),
]
