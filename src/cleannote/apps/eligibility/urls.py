from django.urls import path

from cleannote.apps.eligibility import views

app_name = "eligibility"
urlpatterns = [
    path("", views.eligibility_home, name="home"),
    path("responses/", views.upload_271, name="upload_271"),
    path("run/", views.run_day, name="run_day"),
    path("tomorrow/", views.run_tomorrow, name="run_tomorrow"),
    path("hets/", views.add_hets_enrollment, name="add_hets"),
    path("<int:check_id>/", views.check_detail, name="detail"),
    path("coverage/<int:coverage_id>/check/", views.check_coverage, name="check_coverage"),
    path("coverage/<int:coverage_id>/verify/", views.verify_coverage, name="verify"),
]
