"""The project's URLs plus one view that fails, to see the 500 page a user would get."""

from django.urls import path

from sea_cases.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("canary-stack-detail")


urlpatterns = [*project_urlpatterns, path("boom/", boom)]
