"""The focal point's pages behind an answer link (no account: the token and a one-time code)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def answer_open(request: HttpRequest, token: str) -> HttpResponse:
    """Planned (the code and the answer form): every token is refused, uniformly, for now."""
    return render(request, "answer/refused.html", status=404)
