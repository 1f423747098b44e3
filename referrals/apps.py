from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from core.audit_actions import audit_actions_register, audit_subject_part_register
        from core.roles import FIELD_OFFICER, HQ_ANALYST, VICTIMS_RIGHTS_ADVOCATE, permissions_register
        from referrals.choices import AUDIT_ACTIONS
        from referrals.selectors import allegation_referral_audit_events

        audit_actions_register(AUDIT_ACTIONS)
        audit_subject_part_register("allegation", allegation_referral_audit_events)

        permissions_register(roles={
            FIELD_OFFICER: ["referrals.view_referral", "referrals.add_referral", "referrals.change_referral"],
            VICTIMS_RIGHTS_ADVOCATE: ["referrals.view_referral"],
            HQ_ANALYST: ["referrals.view_referral"],
        }, personal=("referrals.approve_referral",))  # the second pair of eyes, granted person by person

        from allegations import hooks
        from referrals import tasks  # noqa: F401 (registers the tasks services queue by name)
        from referrals.querysets import next_deadline_of_allegation
        from referrals.selectors import case_clock_for, report_milestones_of, with_clock
        from referrals.services import referral_deadlines_follow_children

        hooks.children_involved_changed.append(referral_deadlines_follow_children)
        hooks.case_clock, hooks.with_clock = case_clock_for, with_clock
        hooks.next_deadline = next_deadline_of_allegation
        hooks.report_milestones = report_milestones_of
