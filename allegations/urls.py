from django.urls import path

from allegations import incoming_views, views

app_name = "allegations"
urlpatterns = [
    path("", views.allegation_index, name="list"),
    path("new/", views.allegation_new, name="new"),
    path("reports/", incoming_views.report_index, name="reports"),
    path("reports/<uuid:report_id>/", incoming_views.report_detail, name="report"),
    path("reports/<uuid:report_id>/assess/", incoming_views.report_assess_view, name="report_assess"),
    path("reports/<uuid:report_id>/messages/", incoming_views.report_message_view, name="report_message"),
    path("reports/<uuid:report_id>/close/", incoming_views.report_close_view, name="report_close"),
    path("reports/<uuid:report_id>/allegation/", incoming_views.report_convert_view, name="report_convert"),
    path("<uuid:allegation_id>/", views.allegation_detail, name="detail"),
    path("<uuid:allegation_id>/edit/", views.allegation_edit, name="edit"),
    path("<uuid:allegation_id>/status/", views.allegation_transition_view, name="transition"),
    path("<uuid:allegation_id>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<uuid:allegation_id>/attachments/<uuid:attachment_id>/", views.attachment_download, name="attachment"),
    path("<uuid:allegation_id>/attachments/<uuid:attachment_id>/custody/", views.attachment_custody,
         name="attachment_custody"),
    path("<uuid:allegation_id>/attachments/<uuid:attachment_id>/delete/", views.attachment_remove,
         name="attachment_delete"),
]
