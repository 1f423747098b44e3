"""Small helpers shared by the server-rendered forms of every app."""

from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, Form
from django.http import QueryDict
from django.utils.translation import gettext as _


def add_service_errors(form: Form, formset: BaseFormSet | None, error: ValidationError) -> None:
    """Show a service's validation errors beside the fields they concern."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, messages)
        elif field == "perpetrators" and formset is not None:
            formset._non_form_errors = formset.error_class(list(formset.non_form_errors()) + messages)
        else:
            form.add_error(None, messages)


def with_extra_form(data: QueryDict, prefix: str) -> QueryDict:
    """The submitted data with one more empty formset row: "add another" without JavaScript."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(int(data.get(key) or 0) + 1)
    return data


def error_summary(*parts: Form | BaseFormSet | None) -> list[tuple[str, str]]:
    """Every error of the given forms and formsets as (id of the element it concerns, text), in the
    order of the page: a form's own errors, then its fields in field order; a formset's own errors,
    then each row. A formset's `row_label(n)`, if it has one, names row n ("Person 1") so rows read apart."""
    entries: list[tuple[str, str]] = []
    for part in parts:
        if isinstance(part, BaseFormSet):
            entries.extend((f"id_{part.prefix}-non_form_errors", str(e)) for e in part.non_form_errors())
            row_label = getattr(part, "row_label", None)
            for n, row in enumerate(part.forms, start=1):
                entries.extend(_form_errors(row, row_label(n) if row_label else None))
        elif part is not None:
            entries.extend(_form_errors(part, None))
    return entries


def _form_errors(form: Form, group: str | None) -> list[tuple[str, str]]:
    if not form.is_bound:
        return []
    entries = [(form.auto_id % form.add_prefix("non_field_errors"), str(e)) for e in form.non_field_errors()]
    for name in form.fields:
        bound = form[name]
        if not bound.errors or bound.is_hidden:
            continue
        label = f"{group} · {bound.label}" if group else str(bound.label)
        target = bound.id_for_label or bound.auto_id
        entries.extend((target, _("%(field)s: %(message)s") % {"field": label, "message": e}) for e in bound.errors)
    return entries
