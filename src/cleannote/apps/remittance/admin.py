from django.contrib import admin

from cleannote.apps.remittance.models import (
    ClaimPosting,
    EraFile,
    LinePosting,
    PatientLedgerEntry,
)
from cleannote.platform.readonly_admin import ReadOnlyAdmin

for model in (EraFile, ClaimPosting, LinePosting, PatientLedgerEntry):
    admin.site.register(model, ReadOnlyAdmin)
