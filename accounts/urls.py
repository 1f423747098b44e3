from django.urls import path

from accounts import views

# Not namespaced: `login`/`logout` are not either, and the middleware reverses these names.
urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("2fa/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("2fa/verify/", views.two_factor_verify_view, name="two_factor_verify"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("language/", views.language_switch, name="language"),
    path("2fa/backup-codes/", views.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
