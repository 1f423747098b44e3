from django.urls import path

from victims import assistance_views, disclosure_views, views

app_name = "victims"
urlpatterns = [
    path("", views.victim_index, name="list"),
    path("new/<uuid:allegation_id>/", views.victim_new, name="new"),
    path("<uuid:victim_id>/", views.victim_detail, name="detail"),
    path("<uuid:victim_id>/reveal/", views.victim_reveal, name="reveal"),
    path("<uuid:victim_id>/edit/", views.victim_edit, name="edit"),
    path("<uuid:victim_id>/link/<uuid:allegation_id>/", views.victim_link_view, name="link"),
    path("<uuid:victim_id>/consents/", views.consent_new, name="consent"),
    path("caseload/", assistance_views.caseload, name="caseload"),
    path("<uuid:victim_id>/needs/", assistance_views.need_new, name="need_new"),
    path("needs/<uuid:need_id>/", assistance_views.need_detail, name="need"),
    path("needs/<uuid:need_id>/edit/", assistance_views.need_edit, name="need_edit"),
    path("needs/<uuid:need_id>/status/", assistance_views.need_transition_view, name="need_transition"),
    path("<uuid:victim_id>/advocate/", assistance_views.assign_advocate, name="assign_advocate"),
    path("<uuid:victim_id>/safeguarding/", assistance_views.safeguarding, name="safeguarding"),
    path("<uuid:victim_id>/claims/", assistance_views.paternity_new, name="claim_new"),
    path("claims/<int:claim_id>/", assistance_views.paternity_edit, name="claim"),
    path("<uuid:victim_id>/contacts/", assistance_views.contact_new, name="contact_new"),
    path("<uuid:victim_id>/disclosures/", disclosure_views.register_printable, name="disclosures"),
    path("<uuid:victim_id>/disclosures.csv", disclosure_views.register_csv, name="disclosures_csv"),
    path("<uuid:victim_id>/disclosures/requests/", disclosure_views.request_new, name="disclosure_request"),
    path("disclosure-requests/<uuid:request_id>/decision/", disclosure_views.request_decide,
         name="disclosure_decide"),
    path("disclosure-requests/<uuid:request_id>/file/", disclosure_views.export_file, name="identity_export"),
]
