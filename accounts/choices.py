"""The accounts app's vocabulary: the actions it writes to the audit trail, in words (registered with
core.audit_actions at start-up)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "login": _("Signed in"),
    "logout": _("Signed out"),
    "login_failed": _("Sign-in failed"),
    "lockout_reset": _("Sign-in lockout lifted"),
    "password_change": _("Password changed"),
    "password_reset_done": _("Password reset"),
    "user_create": _("User account created"),
    "user_change": _("User account changed"),
    "language_change": _("Language changed"),
    "2fa_enrol": _("Two-factor authentication set up"),
    "2fa_verify": _("Two-factor code checked"),
    "2fa_backup_codes": _("Backup codes generated"),
    "2fa_reset": _("Two-factor authentication reset"),
    "api_token_create": _("API token created"),
    "api_token_revoke": _("API token revoked"),
    "api_tokens_revoke_all": _("All API tokens revoked"),
    "api_token_refused": _("API token refused"),
}
