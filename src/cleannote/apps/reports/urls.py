from django.urls import path

from cleannote.apps.reports import targets_views, views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("targets/", targets_views.targets, name="targets"),
    path("<slug:slug>/", views.report, name="report"),
]
