from django.urls import path

from core import account_views

# Not namespaced: `login`/`logout` are not either, and the middleware reverses these names.
urlpatterns = [
    path("password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("2fa/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("2fa/verify/", account_views.two_factor_verify_view, name="two_factor_verify"),
    path("reset/<uidb64>/<token>/", account_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("language/", account_views.language_switch, name="language"),
    path("2fa/backup-codes/", account_views.two_factor_backup_codes, name="two_factor_backup_codes"),
]
