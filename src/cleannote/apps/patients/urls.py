from django.urls import path

from cleannote.apps.patients import chart_views, measure_views, views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.register_patient, name="register"),
    path("<int:patient_id>/", views.patient_chart, name="chart"),
    # Keeping the chart current (chart_views, ADR 0501).
    path("<int:patient_id>/details/", chart_views.edit_details, name="edit_details"),
    path("<int:patient_id>/coverages/add/", chart_views.add_coverage, name="add_coverage"),
    path(
        "<int:patient_id>/coverages/order/",
        chart_views.reorder_coverages,
        name="reorder_coverages",
    ),
    path(
        "<int:patient_id>/coverages/<int:coverage_id>/",
        chart_views.edit_coverage,
        name="edit_coverage",
    ),
    path(
        "<int:patient_id>/coverages/<int:coverage_id>/end/",
        chart_views.end_coverage,
        name="end_coverage",
    ),
    path("<int:patient_id>/cases/new/", chart_views.open_case, name="open_case"),
    path("<int:patient_id>/cases/<int:case_id>/edit/", chart_views.edit_case, name="edit_case"),
    path("<int:patient_id>/cases/<int:case_id>/close/", chart_views.close_case, name="close_case"),
    path(
        "<int:patient_id>/cases/<int:case_id>/measures/new/",
        measure_views.record_measure,
        name="record_measure",
    ),
]
