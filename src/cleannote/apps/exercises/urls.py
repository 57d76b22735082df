from django.urls import path

from cleannote.apps.exercises import views

app_name = "exercises"
urlpatterns = [
    path("", views.exercise_list, name="list"),
    path("new/", views.new_exercise, name="new"),
    path("<int:exercise_id>/edit/", views.edit_exercise, name="edit"),
    path("<int:exercise_id>/media/", views.exercise_media, name="media"),
    path("notes/<int:note_id>/program/", views.note_program, name="note_program"),
    path(
        "notes/<int:note_id>/program/<int:exercise_id>/stop/",
        views.stop_exercise,
        name="stop",
    ),
    path("notes/<int:note_id>/suggestion/", views.note_suggestion, name="note_suggestion"),
    path("cases/<int:case_id>/", views.case_program, name="case_program"),
    path("cases/<int:case_id>/program.pdf", views.program_pdf, name="program_pdf"),
    path("cases/<int:case_id>/log/", views.log_session, name="log_session"),
]
