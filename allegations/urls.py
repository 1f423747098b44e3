from django.urls import path

from allegations import views

app_name = "allegations"
urlpatterns = [
    path("", views.allegation_index, name="list"),
    path("new/", views.allegation_new, name="new"),
    path("<uuid:allegation_id>/", views.allegation_detail, name="detail"),
    path("<uuid:allegation_id>/edit/", views.allegation_edit, name="edit"),
    path("<uuid:allegation_id>/status/", views.allegation_transition_view, name="transition"),
]
