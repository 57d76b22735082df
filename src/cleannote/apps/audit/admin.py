from django.contrib import admin

from cleannote.apps.audit.models import AuditEvent
from cleannote.platform.readonly_admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "occurred_at", "actor_username", "action", "object_type")
    list_filter = ("action", "object_type")
