"""Top-level URL map: one include per app, the therapist home at the root.

The Django admin is mounted only in the demo (CLEANNOTE_DEBUG=1): it reads every organisation
and writes no audit row, so production has no route to it (ADR 0210).
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from cleannote.apps.notes.views import home
from cleannote.apps.reports.views import dashboard
from cleannote.web import errors
from cleannote.web.settings_hub import settings_index

handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("cleannote.apps.accounts.urls")),
    path("payers/", include("cleannote.apps.payers.urls")),
    path("outbox/", include("cleannote.apps.messaging.urls")),
    path("p/", include("cleannote.apps.scheduling.patient_link_urls")),
    path("portal/", include("cleannote.apps.portal.urls")),
    path("portal-access/", include("cleannote.apps.portal.staff_urls")),
    path("patients/", include("cleannote.apps.patients.urls")),
    path("notes/", include("cleannote.apps.notes.urls")),
    path("audit/", include("cleannote.apps.organisations.audit_urls")),
    path("claims/", include("cleannote.apps.claims.urls")),
    path("schedule/front-desk/", include("cleannote.apps.scheduling.front_desk_urls")),
    path("schedule/", include("cleannote.apps.scheduling.urls")),
    path("eligibility/", include("cleannote.apps.eligibility.urls")),
    path("remittance/", include("cleannote.apps.remittance.urls")),
    path("ledger/", include("cleannote.apps.ledger.urls")),
    path("injury/", include("cleannote.apps.injury.urls")),
    path("inventory/", include("cleannote.apps.inventory.urls")),
    path("exercises/", include("cleannote.apps.exercises.urls")),
    path("intake/", include("cleannote.apps.intake.urls")),
    path("exchange/", include("cleannote.apps.exchange.urls")),
    path("dashboard/", dashboard, name="dashboard"),
    path("settings/", settings_index, name="settings"),
    path("reports/", include("cleannote.apps.reports.urls")),
    path("fhir/r4/", include("cleannote.apps.fhir.urls")),
    path("records/", include("cleannote.apps.fhir.record_urls")),
    path("api/", include("cleannote.apps.api.urls")),
    path("", include("cleannote.apps.organisations.urls")),
]
if settings.DEBUG:
    urlpatterns.append(path("admin/", admin.site.urls))
