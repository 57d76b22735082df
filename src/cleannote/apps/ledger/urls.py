from django.urls import path

from cleannote.apps.ledger import views

app_name = "ledger"
urlpatterns = [
    path("check-in/<int:appointment_id>/", views.check_in, name="check_in"),
    path("patients/<int:patient_id>/", views.patient_ledger, name="patient"),
    path("patients/<int:patient_id>/pay/", views.take_payment, name="take_payment"),
    path("receipts/<int:payment_id>/", views.receipt, name="receipt"),
    path("receipts/<int:payment_id>/pdf/", views.receipt_pdf, name="receipt_pdf"),
]
