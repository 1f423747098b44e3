"""What every API view shares: paging, ordering and errors (the token scheme is in `accounts.schema`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict, NotFound, NotPermitted
from core.locking import StaleEditError


def permission_note(required: dict[str, str]) -> str:
    """The permissions a route needs, written into its OpenAPI description."""
    lines = [f"- `{method}` needs `{perm}`" for method, perm in sorted(required.items())]
    return ("**Permissions**\n\n" + "\n".join(lines) +
            "\n\nRecords outside the operations you are assigned to answer **404**, as if they did not exist.")


class Pages(PageNumberPagination):
    page_size = settings.PAGE_SIZE  # one page size for pages and API
    page_size_query_param = "page_size"
    max_page_size = 100


def order_by_param(queryset: QuerySet, value: str, allowed: tuple[str, ...], default: tuple[str, ...]) -> QuerySet:
    """`?ordering=-date_received`: only whitelisted fields, always with a stable tiebreak."""
    if not value:
        return queryset.order_by(*default)
    field = value.lstrip("-")
    if field not in allowed:
        raise serializers.ValidationError({"ordering": [f"Order by one of: {', '.join(allowed)} (prefix - to reverse)."]})
    return queryset.order_by(value, *default)


def ordering_choices(allowed: tuple[str, ...]) -> list[str]:
    return [f for name in allowed for f in (name, f"-{name}")]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's one mapping of the domain's refusals (`core.errors`): invalid 400 with reasons per
    field, not found 404, not permitted 403, conflicts (stale edits) 409."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        code = "stale_version" if isinstance(exc, StaleEditError) else "conflict"
        return Response({"detail": str(exc), "code": code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, (NotFound, Http404)):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, NotPermitted):
        return Response({"detail": str(exc) or "You do not have permission to perform this action."},
                        status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    """The request body as `serializer_class` accepts it, or a 400 with the reasons per field."""
    incoming = serializer_class(data=data)
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


class VersionSerializer(serializers.Serializer):
    """Optimistic locking: the version the client last read. A stale one is refused with 409."""

    version = serializers.IntegerField(min_value=1)
