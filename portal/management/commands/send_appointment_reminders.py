from django.core.management.base import BaseCommand

from portal.services import appointment_reminders_send


class Command(BaseCommand):
    help = (
        "Email families a reminder of each appointment in the next two days, in their language, once. "
        "Celery beat runs it hourly; run it from cron where there is no beat."
    )

    def handle(self, *args, **options):
        sent = appointment_reminders_send()
        self.stdout.write(f"Reminders sent: {sent}")
