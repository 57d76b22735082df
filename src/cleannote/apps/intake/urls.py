from django.urls import path

from cleannote.apps.intake import views

app_name = "intake"
urlpatterns = [
    path("forms/", views.form_list, name="forms"),
    path("forms/new/", views.build_form, name="new_form"),
    path("forms/<int:form_id>/", views.build_form, name="build_form"),
    path("consents/<str:kind>/", views.consent_text, name="consent_text"),
    path("patients/<int:patient_id>/", views.chart_panel, name="panel"),
    path(
        "patients/<int:patient_id>/documents/<int:response_id>/",
        views.signed_document,
        name="document",
    ),
    path("patients/<int:patient_id>/send/", views.send_form, name="send_form"),
    path(
        "patients/<int:patient_id>/suggestions/<int:suggestion_id>/",
        views.decide_suggestion,
        name="decide",
    ),
    # The pain now a patient answered, offered to their next draft note (ADR 0964).
    path("notes/<int:note_id>/pain/", views.note_pain, name="note_pain"),
    path("patients/<int:patient_id>/notices/new/", views.offer_notice, name="offer_notice"),
    path(
        "patients/<int:patient_id>/consents/<str:kind>/sign/",
        views.desk_consent,
        name="desk_consent",
    ),
    path(
        "patients/<int:patient_id>/notices/<int:notice_id>/sign/",
        views.desk_notice,
        name="desk_notice",
    ),
    path(
        "patients/<int:patient_id>/notices/<int:notice_id>/withdraw/",
        views.withdraw_notice,
        name="withdraw_notice",
    ),
]
