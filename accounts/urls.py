from django.urls import path

from accounts import user_views, views

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
    # User management, administrators only.
    path("users/", user_views.users, name="users"),
    path("users/new/", user_views.user_new, name="user_new"),
    path("users/<int:user_id>/", user_views.user_detail, name="user_detail"),
    path("users/<int:user_id>/access/", user_views.user_access, name="user_access"),
    path("users/<int:user_id>/active/", user_views.user_active, name="user_active"),
    path("users/<int:user_id>/two-factor-reset/", user_views.user_two_factor_reset_view,
         name="user_two_factor_reset"),
    path("users/<int:user_id>/unlock/", user_views.user_unlock_view, name="user_unlock"),
    path("users/<int:user_id>/password-link/", user_views.user_password_link_view, name="user_password_link"),
]
