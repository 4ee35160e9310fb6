"""The screening domains and the instruments shipped with the application: the AHC HRSN core questions
(LOINC 96777-8) and the Hunger Vital Sign (LOINC 88121-9), from screening/instruments/*.json."""

from django.db import migrations

from screening.loading import load_shipped


def load(apps, schema_editor):
    load_shipped(apps, ["ahc-hrsn-core-2018.json", "hvs-2010.json"])


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_initial"),
        ("cases", "0009_screening_categories_and_events"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
