from django.urls import path

from reporting import public_views as views

app_name = "statistics"
urlpatterns = [
    path("", views.statistics_index, name="index"),
    path("<int:year>/", views.statistics_year, name="year"),
    path("<int:year>/<int:number>/", views.statistics_year, name="release"),
    path("<int:year>/<int:number>/statistics.csv", views.statistics_csv, name="csv"),
    path("<int:year>/<int:number>/statistics.json", views.statistics_json, name="json"),
]
