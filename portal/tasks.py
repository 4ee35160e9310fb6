"""Celery tasks for the portal: thin wrappers over its services."""

from celery import shared_task

from .services import appointment_reminders_send


@shared_task
def send_appointment_reminders():
    """Email the reminders of appointments in the next two days (hourly from Celery beat)."""
    return appointment_reminders_send()
