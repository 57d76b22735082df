from django.urls import path

from cleannote.apps.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.report, name="report"),
]
