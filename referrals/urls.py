from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.pending, name="pending"),
    path("outbox/", views.outbox, name="outbox"),
    path("scorecard/", views.scorecard_view, name="scorecard"),
    path("scorecard/referrals/", views.scorecard_referrals, name="scorecard_referrals"),
    path("scorecard/export.csv", views.scorecard_download, name="scorecard_export"),
    path("new/<uuid:allegation_id>/", views.referral_new, name="new"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/print/", views.referral_printable, name="print"),
    path("<uuid:referral_id>/notes/<int:reminder_id>/", views.reminder_note, name="note"),
    path("<uuid:referral_id>/approve/", views.referral_approve_view, name="approve"),
    path("<uuid:referral_id>/return/", views.referral_return_view, name="return"),
    path("<uuid:referral_id>/edit/", views.referral_edit_view, name="edit"),
    path("<uuid:referral_id>/withdraw/", views.referral_withdraw_view, name="withdraw"),
    path("<uuid:referral_id>/steps/", views.referral_step_view, name="step"),
    path("<uuid:referral_id>/steps/<uuid:step_id>/correct/", views.referral_step_correct_view, name="step_correct"),
    path("<uuid:referral_id>/close/", views.referral_close_view, name="close"),
    path("<uuid:referral_id>/links/<int:link_id>/revoke/", views.answer_link_revoke_view, name="revoke_link"),
]
