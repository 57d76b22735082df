"""The outbox: owners and front desk."""

from django.urls import path

from cleannote.apps.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.outbox_list, name="outbox"),
    path("send-queued/", views.outbox_send_queued, name="send_queued"),
    path("<int:message_id>/retry/", views.outbox_retry, name="retry"),
    path("<int:message_id>/release/", views.outbox_release, name="release"),
]
