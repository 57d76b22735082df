from django.contrib import admin

from cleannote.apps.organisations.models import Location, Organisation, Staff
from cleannote.web.readonly_admin import ReadOnlyAdmin


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
