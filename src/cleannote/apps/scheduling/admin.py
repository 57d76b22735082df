from django.contrib import admin

from cleannote.apps.scheduling.models import Appointment
from cleannote.platform.readonly_admin import ReadOnlyAdmin

admin.site.register(Appointment, ReadOnlyAdmin)
