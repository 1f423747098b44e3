from django.urls import path

from allegations import views

app_name = "allegations"
urlpatterns = [
    path("", views.allegation_index, name="list"),
    path("new/", views.allegation_new, name="new"),
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
