from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cleannote.apps.accounts"
    label = "accounts"
