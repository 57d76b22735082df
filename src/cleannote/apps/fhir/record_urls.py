from django.urls import path

from cleannote.apps.fhir import record_views

app_name = "records"

urlpatterns = [
    path("patient/<int:patient_id>/", record_views.whole_record, name="whole_record"),
    path("<uuid:key>.zip", record_views.download, name="download"),
]
