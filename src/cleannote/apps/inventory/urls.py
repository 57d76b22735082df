from django.urls import path

from cleannote.apps.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.item_list, name="items"),
    path("low/", views.low_stock_list, name="low"),
    path("items/new/", views.new_item, name="new_item"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/edit/", views.edit_item, name="edit_item"),
    path("receive/", views.receive, name="receive"),
    path("transfer/", views.transfer, name="transfer"),
    path("count/", views.count, name="count"),
    path("rentals/", views.rental_list, name="rentals"),
    path("rentals/<int:rental_id>/return/", views.return_rental, name="return_rental"),
    path(
        "notes/<int:note_id>/rentals/<int:rental_id>/bill/",
        views.bill_rental,
        name="bill_rental",
    ),
    path("notes/<int:note_id>/supplies/", views.note_supplies, name="note_supplies"),
    path(
        "notes/<int:note_id>/supplies/<int:dispense_id>/take-back/",
        views.take_back,
        name="take_back",
    ),
]
