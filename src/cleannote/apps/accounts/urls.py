from django.urls import path

from cleannote.apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("session/", views.idle_status, name="idle_status"),
    path("session/extend/", views.extend_session, name="extend_session"),
]
