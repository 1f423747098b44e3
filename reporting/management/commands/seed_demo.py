from django.core.management.base import BaseCommand
from django.db import transaction
from guardian.shortcuts import assign_perm

from allegations.demo import seed_allegations, seed_reports
from core.demo import DEMO_PASSWORD, DEMO_USERS, seed_reference_data, seed_users
from referrals.demo import seed_referrals
from reporting.demo import seed_statistics
from victims.demo import seed_victims


class Command(BaseCommand):
    help = "Load fictional demo data and one user per role. Safe to run again: existing data is kept."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            missions = seed_reference_data()
            users = seed_users(missions)
            # Personal grants (never through a role): the second pair of eyes for CAR, who must read what is sent.
            assign_perm("referrals.approve_referral", users["chief.car"])
            assign_perm("victims.view_identity", users["chief.car"])
            allegations = seed_allegations(users)
            victims = seed_victims(users)
            referrals = seed_referrals(users)
            reports = seed_reports()
            releases = seed_statistics()
        self.stdout.write(f"Demo data ready ({allegations} allegations, {victims} victims, {referrals} referrals, "
                          f"{reports} incoming reports, {releases} statistics releases added).")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, full_name, role, _scope in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {role:<24} {full_name}")
