from django.core.management.base import BaseCommand, CommandError

from referrals.hsds import HSDSImportError, directory_import
from referrals.hsds.remote import directory_import_from_api


class Command(BaseCommand):
    help = (
        "Import a region's service directory from an Open Referral HSDS 3.0 tabular data package "
        "(a folder of CSV files) or, with --from-api, from another directory's HSDS 3.0 API. All of it "
        "is imported, or on any error none of it; an optional value that cannot be used is imported as "
        "empty with a warning."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", nargs="?", help="folder holding organizations.csv, services.csv, ..."
        )
        parser.add_argument(
            "--from-api",
            metavar="URL",
            help="the address of an HSDS 3.0 API (e.g. https://example.org/hsds/): every page the first "
            "time, then only the services modified since the last import from it",
        )
        parser.add_argument(
            "--token", default="", help="bearer token the API asks for (kept for the next import)"
        )
        parser.add_argument("--full", action="store_true", help="with --from-api: pull everything again")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="refuse the package on any warning instead of importing the unusable values as empty",
        )

    def handle(self, *args, directory, from_api, token, full, strict, **options):
        if bool(directory) == bool(from_api):
            raise CommandError("Give either a package folder or --from-api URL.")
        try:
            if from_api:
                result = directory_import_from_api(url=from_api, token=token, strict=strict, full=full)
            else:
                result = directory_import(directory=directory, strict=strict)
        except HSDSImportError as error:
            raise CommandError(str(error)) from error
        for line in result.lines():
            self.stdout.write(line)
