"""What the public pages share (statistics, the reporting channel, answer links): the page's language
from `?lang=`, else the browser's, limited to the languages that surface is written in; and the
languages a visitor can switch to, as plain links (no form, no cookie)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import get_supported_language_variant

LANGUAGE_PARAMETER = "lang"


def public_language(request: HttpRequest, languages: list[tuple[str, str]]) -> str:
    codes = [code for code, _name in languages]
    asked = request.GET.get(LANGUAGE_PARAMETER) or request.POST.get(LANGUAGE_PARAMETER) or ""
    if asked in codes:
        return asked
    for accepted, _quality in translation.trans_real.parse_accept_lang_header(
            request.headers.get("Accept-Language", "")):
        try:
            variant = get_supported_language_variant(accepted)
        except LookupError:
            variant = accepted.split("-")[0].lower()
        if variant in codes:
            return variant
    return codes[0]


def in_public_language(languages: list[tuple[str, str]] | None = None):
    """Run the view in the visitor's language (passed as `language=`), with `language_links` for the
    page's switcher in `request.language_links`."""
    languages = languages or settings.LANGUAGES

    def decorate(view):
        @functools.wraps(view)
        def run(request: HttpRequest, *args, **kwargs):
            language = public_language(request, languages)
            request.language_links = [(code, f"{request.path}?{LANGUAGE_PARAMETER}={code}")
                                      for code, _name in languages if code != language]
            with translation.override(language):
                return view(request, *args, language=language, **kwargs)

        return run

    return decorate
