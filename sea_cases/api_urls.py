"""`/api/v1/`: one router for every app's API, the OpenAPI schema and its browsable docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from allegations.api import AllegationViewSet
from reporting.api import AnnexExport

router = SimpleRouter()
router.register("allegations", AllegationViewSet, basename="allegation")

urlpatterns = [
    *router.urls,
    path("reports/annex/", AnnexExport.as_view(), name="api-annex"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
