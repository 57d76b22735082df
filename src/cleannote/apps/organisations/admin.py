from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cleannote.apps.organisations.models import Location, Organisation, Room, Staff
from cleannote.platform.readonly_admin import ReadOnlyAdmin

# django-otp registers editable admins that show each TOTP key and QR code and every recovery
# code. Devices are managed from the staff and security pages only (ADR 0221).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


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


@admin.register(Room)
class RoomAdmin(ReadOnlyAdmin):
    list_display = ("name", "location", "equipment", "active")
