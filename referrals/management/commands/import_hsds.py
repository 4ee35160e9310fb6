from django.core.management.base import BaseCommand, CommandError

from referrals.hsds import HSDSImportError, directory_import


class Command(BaseCommand):
    help = (
        "Import a region's service directory from an Open Referral HSDS 3.0 tabular data package "
        "(a folder of CSV files). All of it is imported, or on any error none of it; an optional value "
        "that cannot be used is imported as empty with a warning."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder holding organizations.csv, services.csv, ...")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="refuse the package on any warning instead of importing the unusable values as empty",
        )

    def handle(self, *args, directory, strict, **options):
        try:
            result = directory_import(directory=directory, strict=strict)
        except HSDSImportError as error:
            raise CommandError(str(error)) from error
        for line in result.lines():
            self.stdout.write(line)
