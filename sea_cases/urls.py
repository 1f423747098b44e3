from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sea_cases import views as project_views

urlpatterns = [
    path("", project_views.home, name="home"),
    path("healthz", project_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("allegations/", include("allegations.urls")),
    path("victims/", include("victims.urls")),
    path("referrals/", include("referrals.urls")),
    path("answer/", include("referrals.answer_urls")),
    path("statistics/", include("reporting.public_urls")),
    path("report/", include("allegations.report_urls")),
    path("reports/", include("reporting.urls")),
    path("audit/", include("core.urls")),
    path("api/v1/", include("sea_cases.api_urls")),
    path("admin/", admin.site.urls),
]

# Database failures (also those of the session middleware) answer 503, not 500: sea_cases/errors.py.
handler500 = "sea_cases.errors.server_error"
