from django.urls import path

from cleannote.apps.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("", views.day_list, name="day"),
    path("attention/", views.attention, name="attention"),
]
