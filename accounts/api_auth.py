"""API authentication and the deny-by-default permission. Kept apart from core.api because DRF
imports these classes while `rest_framework.views` itself is still loading."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from accounts.tokens import api_token_user
from core.audit import audit_context, audit_record
from core.models import AuditEvent


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>`. A refused token is audited like a failed login."""

    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        user = api_token_user(parts[1].decode("latin-1"))
        if user is None:
            # The actor is the session's user, if a signed-in browser sent the token (request.user would recurse here).
            audit_record(action="api_token_refused", actor=getattr(request._request, "user", None),
                         audit=audit_context(request), outcome=AuditEvent.Outcome.DENIED)
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return user, None

    def authenticate_header(self, request) -> str:
        return self.keyword



class HasRolePermission(BasePermission):
    """Deny unless the view names, for this HTTP method, the model permission the role must hold.
    A view that forgets to declare a method is closed for it. Scope (which operation) is checked
    afterwards by the view's access_<thing> call, which answers 404."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        required = self.required(request, view)
        if required is None:
            return False
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(required))

    def required(self, request, view) -> str | None:
        """Viewsets declare per action (an action serving two methods, per method), plain views per HTTP method."""
        declared = getattr(view, "required_permissions", {})
        method = "GET" if request.method == "HEAD" else request.method
        required = declared.get(getattr(view, "action", None) or method)
        return required.get(method) if isinstance(required, dict) else required
