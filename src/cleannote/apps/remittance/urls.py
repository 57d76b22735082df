from django.urls import path

from cleannote.apps.remittance import check_views, denial_views, views

app_name = "remittance"
urlpatterns = [
    path("", views.era_list, name="list"),
    path("import/", views.import_era, name="import"),
    path("checks/new/", check_views.post_check, name="check"),
    path("files/<int:era_id>/", check_views.era_detail, name="file"),
    path("denials/", views.denials, name="denials"),
    path("denials/claim/<int:claim_id>/", denial_views.denial_detail, name="denial"),
    path("denials/claim/<int:claim_id>/<str:step>/", denial_views.denial_step, name="denial_step"),
    path("claims/<int:claim_id>/packet.pdf", denial_views.packet, name="packet"),
    path("aging/", denial_views.aging, name="aging"),
    path("write-offs/", views.write_offs, name="write_offs"),
    path("underpayments/", views.underpayment_list, name="underpayments"),
    path("unmatched/", views.unmatched_list, name="unmatched"),
    path("unmatched/<int:unmatched_id>/match/", views.match_payment, name="match"),
]
