from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allegations.models import AllegationType, Status
from core.models import Force, MemberState
from reporting.annex import AnnexFilters
from reporting.choices import AnnexTable, ExportFormat


class AnnexFilterForm(forms.Form):
    """Year and filters, shared by the dashboard, the preview and every export."""

    year = forms.IntegerField(label=_("Year received"), min_value=1990, max_value=2100)
    country = forms.ModelChoiceField(label=_("Country"), queryset=MemberState.objects.filter(
        allegations_in_country__isnull=False).distinct(), required=False, empty_label=_("All countries"))
    force = forms.ModelChoiceField(label=_("Force"), queryset=Force.objects.all(), required=False,
                                   empty_label=_("All forces"))
    nationality = forms.ModelChoiceField(label=_("Nationality"), queryset=MemberState.objects.all(), required=False,
                                         empty_label=_("All nationalities"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))] + Status.choices)
    allegation_type = forms.ChoiceField(label=_("Type"), required=False,
                                        choices=[("", _("Any type"))] + AllegationType.choices)

    def __init__(self, data=None, *, default_year: int | None = None, **kwargs):
        """Without a year asked for: `default_year` (the dashboard's latest year with data), else last year
        (the annual annex reports on the year just ended)."""
        data = data.copy() if data else {}
        data.setdefault("year", str(default_year or timezone.localdate().year - 1))
        super().__init__(data, **kwargs)

    def filters(self) -> AnnexFilters:
        d = self.cleaned_data
        return AnnexFilters(
            country_id=d["country"].pk if d.get("country") else None,
            force_id=d["force"].pk if d.get("force") else None,
            nationality_id=d["nationality"].pk if d.get("nationality") else None,
            status=d.get("status") or "", allegation_type=d.get("allegation_type") or "",
        )


class ExportForm(AnnexFilterForm):
    format = forms.ChoiceField(choices=ExportFormat.choices)
    table = forms.ChoiceField(required=False, choices=[("", ""), *AnnexTable.choices])


class PublishForm(forms.Form):
    year = forms.IntegerField(label=_("Year received"), min_value=1990, max_value=2100)
