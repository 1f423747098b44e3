from django.urls import path

from victims import views

app_name = "victims"
urlpatterns = [
    path("", views.victim_index, name="list"),
    path("new/<uuid:allegation_id>/", views.victim_new, name="new"),
    path("<uuid:victim_id>/", views.victim_detail, name="detail"),
    path("<uuid:victim_id>/reveal/", views.victim_reveal, name="reveal"),
    path("<uuid:victim_id>/edit/", views.victim_edit, name="edit"),
    path("<uuid:victim_id>/link/<uuid:allegation_id>/", views.victim_link_view, name="link"),
    path("<uuid:victim_id>/consents/", views.consent_new, name="consent"),
]
