"""The owner's staff pages and every user's own account and sign-in steps."""

from django.urls import path

from cleannote.apps.organisations import account_views, api_token_views, views

app_name = "organisations"
urlpatterns = [
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/add/", views.staff_add, name="staff_add"),
    path("staff/security/", views.organisation_security, name="organisation_security"),
    path("staff/times/", views.organisation_hour_cycle, name="organisation_hour_cycle"),
    path("staff/<int:staff_id>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:staff_id>/active/", views.staff_set_active, name="staff_set_active"),
    path("staff/<int:staff_id>/password/", views.staff_reset_password, name="staff_reset_password"),
    path(
        "staff/<int:staff_id>/invitation/",
        views.staff_reissue_invitation,
        name="staff_reissue_invitation",
    ),
    path(
        "staff/<int:staff_id>/two-factor/reset/",
        views.staff_reset_two_factor,
        name="staff_reset_two_factor",
    ),
    path("settings/api-tokens/", api_token_views.api_tokens, name="api_tokens"),
    path(
        "settings/api-tokens/<int:token_id>/revoke/",
        api_token_views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("account/security/", account_views.security, name="security"),
    path("account/password/", account_views.change_password, name="change_password"),
    path("account/two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path(
        "account/two-factor/disable/", account_views.two_factor_disable, name="two_factor_disable"
    ),
    path("account/two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path(
        "account/two-factor/recovery-codes/",
        account_views.new_recovery_codes,
        name="new_recovery_codes",
    ),
    path("invitation/", account_views.accept_invitation, name="accept_invitation"),
]
