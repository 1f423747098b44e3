"""`/api/v1/reports/annex/`: the same export as the page and the command, with the same checks."""

from django.http import HttpResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from reporting.forms import ExportForm
from reporting.services import export_now


class AnnexQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    format = serializers.ChoiceField(choices=["csv", "xlsx", "json"])
    table = serializers.ChoiceField(choices=["", "allegations", "summary"], required=False, default="")


class AnnexExport(APIView):
    def get(self, request: Request) -> HttpResponse:
        if not request.user.has_perm("reporting.view_reports"):
            raise NotFound
        AnnexQuery(data=request.query_params).is_valid(raise_exception=True)  # 400 with reasons
        form = ExportForm(request.query_params)
        form.is_valid()
        if form.errors:
            raise serializers.ValidationError(form.errors)
        content, content_type, name = export_now(
            user=request.user, year=form.cleaned_data["year"], fmt=form.cleaned_data["format"],
            table=form.cleaned_data["table"], filters=form.filters(), request=request)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
