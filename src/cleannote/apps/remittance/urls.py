from django.urls import path

from cleannote.apps.remittance import views

app_name = "remittance"
urlpatterns = [
    path("", views.era_list, name="list"),
    path("import/", views.import_era, name="import"),
    path("denials/", views.denials, name="denials"),
    path("write-offs/", views.write_offs, name="write_offs"),
    path("underpayments/", views.underpayment_list, name="underpayments"),
    path("unmatched/", views.unmatched_list, name="unmatched"),
    path("unmatched/<int:unmatched_id>/match/", views.match_payment, name="match"),
]
