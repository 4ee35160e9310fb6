"""Celery tasks for the referrals app: thin wrappers over its services."""

from celery import shared_task

from .followups import follow_up_rules_run


@shared_task
def run_follow_up_rules():
    """Run the follow-up rules (hourly from Celery beat); returns what each rule did."""
    return follow_up_rules_run()
