from django.contrib import admin

from cleannote.apps.accounts.models import LoginThrottle
from cleannote.web.readonly_admin import ReadOnlyAdmin


@admin.register(LoginThrottle)
class LoginThrottleAdmin(ReadOnlyAdmin):
    list_display = ("username_key", "failures", "last_failure_at", "locked_until")
