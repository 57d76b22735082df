from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "cleannote.apps.exercises"
    label = "exercises"
