from django.contrib import admin

from cleannote.apps.claims.models import (
    Batch,
    BatchClaim,
    Claim,
    ClaimLine,
    ClaimStatusEvent,
    FeeSchedule,
    FeeScheduleEntry,
)
from cleannote.platform.readonly_admin import ReadOnlyAdmin

for model in (
    FeeSchedule,
    FeeScheduleEntry,
    Claim,
    ClaimLine,
    ClaimStatusEvent,
    Batch,
    BatchClaim,
):
    admin.site.register(model, ReadOnlyAdmin)
