from django.urls import path

from cleannote.apps.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.register_patient, name="register"),
    path("<int:patient_id>/", views.patient_chart, name="chart"),
]
