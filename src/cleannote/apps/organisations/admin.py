from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from cleannote.apps.organisations.models import Location, Organisation, Staff
from cleannote.web.readonly_admin import ReadOnlyAdmin

# django-otp registers an editable TOTP admin that shows each device's secret key and QR code.
# Devices are managed from the staff and security pages only (ADR 0221).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "npi", "city", "state")


@admin.register(Location)
class LocationAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "place_of_service")


@admin.register(Staff)
class StaffAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation", "role", "credential", "npi")
    list_filter = ("role", "credential")
