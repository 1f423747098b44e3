"""`/answer/`: the focal points' answer links (public: the token is the credential)."""

from django.urls import path

from referrals import answer_views

app_name = "answer"
urlpatterns = [
    path("<str:token>/", answer_views.answer_open, name="open"),
    path("<str:token>/code/", answer_views.answer_code, name="code"),
    path("<str:token>/steps/", answer_views.answer_step, name="step"),
]
