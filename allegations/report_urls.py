from django.urls import path

from allegations import report_views as views

app_name = "report"
urlpatterns = [
    path("", views.report_new, name="new"),
    path("status/", views.report_status, name="status"),
    path("status/message/", views.report_message, name="message"),
    path("status/end/", views.report_end, name="end"),
]
