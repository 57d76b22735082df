"""The payer directory: owners and billers."""

from django.urls import path

from cleannote.apps.payers import views

app_name = "payers"
urlpatterns = [
    path("", views.payer_list, name="list"),
    path("add/", views.payer_add, name="add"),
    path("<int:payer_id>/", views.payer_edit, name="edit"),
]
