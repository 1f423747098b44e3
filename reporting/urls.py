from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("annex/", views.annex_preview, name="annex"),
    path("annex/download/", views.annex_download, name="download"),
    path("statistics/", views.statistics_publish, name="statistics"),
    path("exports/<uuid:job_id>/", views.export_job, name="job"),
    path("exports/<uuid:job_id>/file/", views.export_job_file, name="job_file"),
]
