"""`/api/v1/reports/annex/`: the same export as the page and the command, with the same checks."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from core.api import permission_note
from core.audit import audit_context
from reporting.choices import CONTENT_TYPES, AnnexTable, ExportFormat
from reporting.forms import ExportForm
from reporting.services import export_now

PERMISSIONS = {"GET": "reporting.view_reports"}


class AnnexQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    table = serializers.ChoiceField(choices=[("", ""), *AnnexTable.choices], required=False, default="")


@extend_schema(parameters=[AnnexQuery], responses={(200, "text/csv"): OpenApiTypes.BINARY,
                                                   (200, "application/json"): OpenApiTypes.OBJECT,
                                                   (200, CONTENT_TYPES[ExportFormat.XLSX]): OpenApiTypes.BINARY},
               description="The annex tables for one year (counted by date received), as the Reports page "
                           "exports them. Never contains a victim's identity; every export is audited.\n\n"
                           + permission_note(PERMISSIONS))
class AnnexExport(APIView):
    required_permissions = PERMISSIONS

    def get(self, request: Request) -> HttpResponse:
        AnnexQuery(data=request.query_params).is_valid(raise_exception=True)  # 400 with reasons
        form = ExportForm(request.query_params)
        form.is_valid()
        if form.errors:
            raise serializers.ValidationError(form.errors)
        content, content_type, name = export_now(
            user=request.user, year=form.cleaned_data["year"], fmt=form.cleaned_data["format"],
            table=form.cleaned_data["table"], filters=form.filters(), audit=audit_context(request), via="api")
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
