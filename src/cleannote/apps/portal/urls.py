"""The patient portal, under /portal/ (ADR 0950). No route names a patient: whose record a
page shows is held in the portal session."""

from django.urls import include, path

from cleannote.apps.portal import bills_views, exercise_views, intake_urls, passkey_views, views

app_name = "portal"

urlpatterns = [
    path("", views.front, name="home"),
    path("sign-in/link/", views.request_link, name="request_link"),
    path("sign-in/password/", views.password_sign_in, name="password_sign_in"),
    path("sign-in/passkey/options/", passkey_views.sign_in_options, name="passkey_sign_in_options"),
    path("sign-in/passkey/", passkey_views.sign_in, name="passkey_sign_in"),
    path("link/<str:secret>/", views.open_link, name="link"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("viewing/", views.choose_patient, name="choose_patient"),
    path("password/", views.password, name="password"),
    path("passkeys/options/", passkey_views.add_options, name="passkey_add_options"),
    path("passkeys/add/", passkey_views.add, name="passkey_add"),
    path("passkeys/<int:passkey_id>/remove/", passkey_views.remove, name="passkey_remove"),
    path("bills/", bills_views.bills, name="bills"),
    path("bills/statements/<int:statement_id>/", bills_views.statement, name="statement"),
    path(
        "bills/statements/<int:statement_id>/pdf/",
        bills_views.statement_pdf,
        name="statement_pdf",
    ),
    path("bills/pay/", bills_views.record_payment, name="pay"),
    path("bills/receipts/<int:payment_id>/", bills_views.receipt, name="receipt"),
    path("bills/receipts/<int:payment_id>/pdf/", bills_views.receipt_pdf, name="receipt_pdf"),
    path("exercises/", exercise_views.exercises, name="exercises"),
    path("exercises/<int:case_id>/log/", exercise_views.log_session, name="log_exercises"),
    path("exercises/<int:case_id>/changes/", exercise_views.changes, name="exercise_changes"),
    path("exercises/<int:case_id>/program.pdf", exercise_views.program_pdf, name="exercise_pdf"),
    path(
        "exercises/media/<int:exercise_id>/", exercise_views.exercise_media, name="exercise_media"
    ),
    path("paperwork/", include(intake_urls.urlpatterns)),
]
