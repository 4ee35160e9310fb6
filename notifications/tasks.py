"""Celery tasks for the notifications app: thin wrappers over its services."""

from celery import shared_task

from .services import digests_send


@shared_task
def send_notification_digests():
    """Send the daily digests (each morning from Celery beat); returns how many people were emailed."""
    return digests_send()
