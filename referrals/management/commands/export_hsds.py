from django.core.management.base import BaseCommand

from referrals.hsds import directory_export


class Command(BaseCommand):
    help = "Export the service directory as an Open Referral HSDS 3.0 tabular data package (CSV files)."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder to write the CSV files and datapackage.json into")

    def handle(self, *args, directory, **options):
        for line in directory_export(directory=directory).lines():
            self.stdout.write(line)
