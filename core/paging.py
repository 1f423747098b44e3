from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items) -> dict:
    """The page asked for, and the other query parameters so page links keep the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }
