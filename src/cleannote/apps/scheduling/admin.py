from django.contrib import admin

from cleannote.apps.scheduling.models import (
    Appointment,
    AppointmentType,
    StaffBreak,
    TimeOff,
    WorkingHours,
)
from cleannote.platform.readonly_admin import ReadOnlyAdmin

for model in (Appointment, AppointmentType, WorkingHours, StaffBreak, TimeOff):
    admin.site.register(model, ReadOnlyAdmin)
