from django.urls import path

from cleannote.apps.ledger import statement_views, views

app_name = "ledger"
urlpatterns = [
    path("check-in/<int:appointment_id>/", views.check_in, name="check_in"),
    path("patients/<int:patient_id>/", views.patient_ledger, name="patient"),
    path("patients/<int:patient_id>/pay/", views.take_payment, name="take_payment"),
    path("patients/<int:patient_id>/move/<str:kind>/", views.move_balance, name="move"),
    path("receipts/<int:payment_id>/", views.receipt, name="receipt"),
    path("receipts/<int:payment_id>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    # statements and dunning (ADR 0760)
    path("statements/", statement_views.statements, name="statements"),
    path("statements/run/", statement_views.run_statements, name="run_statements"),
    path("statements/runs/<int:run_id>/", statement_views.statement_run, name="statement_run"),
    path(
        "statements/runs/<int:run_id>/pdf/",
        statement_views.statement_run_pdf,
        name="statement_run_pdf",
    ),
    path("statements/<int:statement_id>/", statement_views.statement, name="statement"),
    path("statements/<int:statement_id>/pdf/", statement_views.statement_pdf, name="statement_pdf"),
    path("statements/dunning/", statement_views.dunning_steps, name="dunning_steps"),
    path("statements/settings/", statement_views.statement_settings, name="statement_settings"),
    path(
        "statements/dunning/<int:dunning_id>/decide/",
        statement_views.decide_collections,
        name="decide_collections",
    ),
    path(
        "patients/<int:patient_id>/statement/",
        statement_views.patient_statement,
        name="patient_statement",
    ),
    path("patients/<int:patient_id>/plan/", statement_views.payment_plan, name="payment_plan"),
    path(
        "payment-plans/missed/",
        statement_views.missed_installments_page,
        name="missed_installments",
    ),
]
