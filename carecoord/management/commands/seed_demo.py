from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from carecoord.demo import seed_demo


class Command(BaseCommand):
    help = "Load fictional demo data (idempotent) and print each demo login as ROLE USERNAME PASSWORD."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo never runs in production mode (DJANGO_DEBUG=0).")
        with transaction.atomic():
            logins = seed_demo()
        for role, username, password in logins:
            self.stdout.write(f"{role} {username} {password}")
