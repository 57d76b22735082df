from django.contrib import admin

from cleannote.apps.eligibility.models import (
    EligibilityCheck,
    EligibilityFile,
    HetsEnrollment,
    ManualVerification,
)
from cleannote.platform.readonly_admin import ReadOnlyAdmin

for model in (EligibilityCheck, EligibilityFile, HetsEnrollment, ManualVerification):
    admin.site.register(model, ReadOnlyAdmin)
