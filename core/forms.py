"""Small helpers shared by the server-rendered forms of every app."""

from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, Form
from django.http import QueryDict


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
