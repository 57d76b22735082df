from django.contrib import admin

from cleannote.apps.patients.models import Case, Coverage, Goal, Patient, PlanOfCare, Referral
from cleannote.platform.readonly_admin import ReadOnlyAdmin

for model in (Patient, Coverage, Case, Referral, PlanOfCare, Goal):
    admin.site.register(model, ReadOnlyAdmin)
