from django.contrib import admin

from cleannote.apps.exchange.models import ControlNumberCounter
from cleannote.platform.readonly_admin import ReadOnlyAdmin

admin.site.register(ControlNumberCounter, ReadOnlyAdmin)
