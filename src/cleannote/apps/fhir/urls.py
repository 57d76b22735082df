from django.urls import path, re_path

from cleannote.apps.fhir import export_views, views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("$export", export_views.export_organisation, name="export"),
    path("Patient/<int:patient_id>/$export", export_views.export_patient, name="export_patient"),
    path("$export-status/<uuid:key>", export_views.export_status, name="export_status"),
    path(
        "$export-file/<uuid:key>/<str:resource_type>.ndjson",
        export_views.export_file,
        name="export_file",
    ),
    re_path(r"^(?P<resource_type>[A-Za-z]+)$", views.search_view, name="search"),
    re_path(
        r"^(?P<resource_type>[A-Za-z]+)/(?P<resource_id>[A-Za-z0-9\-.]{1,64})$",
        views.read_view,
        name="read",
    ),
]
