from django.urls import path

from cleannote.apps.injury import views

app_name = "injury"
urlpatterns = [
    path("cases/<int:case_id>/", views.lien_ledger_page, name="ledger"),
    path("cases/<int:case_id>/charges/", views.post_charges, name="post_charges"),
    path("cases/<int:case_id>/entries/", views.add_entry, name="add_entry"),
    path("cases/<int:case_id>/settle/", views.settle, name="settle"),
    path("cases/<int:case_id>/packet/", views.packet, name="packet"),
]
