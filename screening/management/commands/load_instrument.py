from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from screening.loading import load_instrument, read


class Command(BaseCommand):
    help = "Load a screening instrument version from its JSON description (see docs/screening.md)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            with transaction.atomic():
                instrument, created = load_instrument(apps, read(path))
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"{path}: {error}") from error
        if created:
            self.stdout.write(f"Loaded {instrument.code} version {instrument.version}.")
        else:
            self.stdout.write(
                f"{instrument.code} version {instrument.version} was already loaded; nothing changed."
            )
