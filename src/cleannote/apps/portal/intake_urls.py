"""The patient's paperwork under /portal/paperwork/ (ADR 0960): no route names a patient."""

from django.urls import path

from cleannote.apps.portal import intake_views

urlpatterns = [
    path("", intake_views.paperwork, name="paperwork"),
    path("forms/<int:response_id>/", intake_views.answer_form, name="answer_form"),
    path("consents/<str:kind>/", intake_views.sign_consent, name="sign_consent"),
    path("notices/<int:notice_id>/", intake_views.sign_notice, name="sign_notice"),
]
