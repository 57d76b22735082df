from django.urls import path

from cleannote.apps.patients import (
    chart_views,
    clinical_views,
    measure_views,
    medication_views,
    rtm_views,
    views,
)

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
    # The medication list (medication_views, ADR 0964).
    path("<int:patient_id>/medications/", medication_views.medications, name="medications"),
    path(
        "<int:patient_id>/medications/add/",
        medication_views.add_medication,
        name="add_medication",
    ),
    path(
        "<int:patient_id>/medications/<int:medication_id>/",
        medication_views.change_medication,
        name="change_medication",
    ),
    path(
        "<int:patient_id>/medications/<int:medication_id>/stop/",
        medication_views.stop_medication,
        name="stop_medication",
    ),
    path("<int:patient_id>/cases/new/", chart_views.open_case, name="open_case"),
    path("<int:patient_id>/cases/<int:case_id>/edit/", chart_views.edit_case, name="edit_case"),
    path("<int:patient_id>/cases/<int:case_id>/close/", chart_views.close_case, name="close_case"),
    path(
        "<int:patient_id>/cases/<int:case_id>/pip-exhausted/",
        chart_views.pip_exhausted,
        name="pip_exhausted",
    ),
    path(
        "<int:patient_id>/cases/<int:case_id>/attachments/<int:attachment_id>/",
        chart_views.case_attachment,
        name="case_attachment",
    ),
    path(
        "<int:patient_id>/cases/<int:case_id>/measures/new/",
        measure_views.record_measure,
        name="record_measure",
    ),
    path(
        "<int:patient_id>/cases/<int:case_id>/measures/<int:measure_id>/",
        measure_views.change_measure,
        name="change_measure",
    ),
    # The chart's clinical part (clinical_views, ADR 0521).
    *[
        path(f"<int:patient_id>/cases/<int:case_id>/{route}", view, name=name)
        for route, view, name in (
            ("referrals/", clinical_views.referrals, "referrals"),
            ("referrals/<int:referral_id>/renew/", clinical_views.renew_referral, "renew_referral"),
            ("referrals/<int:referral_id>/edit/", clinical_views.edit_referral, "edit_referral"),
            ("diagnoses/", clinical_views.diagnoses, "diagnoses"),
            ("diagnoses/check/", clinical_views.check_code, "check_code"),
            ("diagnoses/<int:diagnosis_id>/", clinical_views.change_diagnosis, "change_diagnosis"),
            ("diagnoses/<int:diagnosis_id>/move/", clinical_views.move_diagnosis, "move_diagnosis"),
            (
                "diagnoses/<int:diagnosis_id>/remove/",
                clinical_views.remove_diagnosis,
                "remove_diagnosis",
            ),
            ("plan/", clinical_views.plan, "plan"),
            ("plan/new/", clinical_views.write_plan, "write_plan"),
            ("plan/<int:plan_id>/edit/", clinical_views.edit_plan, "edit_plan"),
            ("plan/<int:plan_id>/revise/", clinical_views.revise_plan, "revise_plan"),
            ("plan/<int:plan_id>/certify/", clinical_views.certify_plan, "certify_plan"),
            ("plan/<int:plan_id>/send/", clinical_views.send_plan, "send_plan"),
            ("plan/<int:plan_id>/pdf/", clinical_views.plan_pdf, "plan_pdf"),
            # Remote therapeutic monitoring (rtm_views, ADR 0570).
            ("rtm/", rtm_views.rtm, "rtm"),
            ("rtm/<int:enrolment_id>/days/", rtm_views.rtm_days, "rtm_days"),
            ("rtm/<int:enrolment_id>/import/", rtm_views.rtm_import, "rtm_import"),
            ("rtm/<int:enrolment_id>/time/", rtm_views.rtm_time, "rtm_time"),
            ("rtm/<int:enrolment_id>/end/", rtm_views.rtm_end, "rtm_end"),
        )
    ],
]
