from django.urls import path

from cleannote.apps.patients import measure_views, views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.register_patient, name="register"),
    path("<int:patient_id>/", views.patient_chart, name="chart"),
    path(
        "<int:patient_id>/cases/<int:case_id>/measures/new/",
        measure_views.record_measure,
        name="record_measure",
    ),
]
