"""Celery tasks for the supervision app: thin wrappers over its functions."""

from celery import shared_task

from .precompute import precompute_report_figures


@shared_task
def precompute_reports():
    """Make the likely outcome reports ahead (hourly from Celery beat); returns how many sets were made."""
    return precompute_report_figures()
