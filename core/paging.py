from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest

from core.models import Mission


def paginate(request: HttpRequest, items) -> dict:
    """The page asked for, and the other query parameters (filters, sort) so page links keep them."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }


def shows_operation(user) -> bool:
    """Whether lists need an Operation column: not for someone who sees a single operation
    (one query; views compute it once per page)."""
    return Mission.objects.visible_to(user).count() != 1
