from django.urls import path

from cleannote.apps.notes import views

app_name = "notes"
urlpatterns = [
    path("<int:note_id>/", views.note_detail, name="detail"),
]
