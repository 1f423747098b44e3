from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from allegations import hooks
        from referrals.services import referral_deadlines_follow_children

        hooks.children_involved_changed.append(referral_deadlines_follow_children)
