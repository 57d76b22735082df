from django.contrib import admin

from cleannote.apps.notes.models import Addendum, Note, TreatmentBlock
from cleannote.platform.readonly_admin import ReadOnlyAdmin

for model in (Note, TreatmentBlock, Addendum):
    admin.site.register(model, ReadOnlyAdmin)
