from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CATEGORIES = [
    "medical",
    "physical_therapy",
    "speech_therapy",
    "occupational_therapy",
    "behavioral_health",
    "housing",
    "transportation",
    "food",
    "financial",
    "early_intervention",
    "childcare",
    "legal",
    "other",
]

PROGRAMS = [
    ("General care coordination", "general", 7, 7),
    ("ED mental-health follow-up", "ed_follow_up", 7, 7),
]

TRIGRAM_INDEXES = [
    ("cases_family", "cases_family_search_trgm"),
    ("cases_child", "cases_child_search_trgm"),
    ("cases_caregiver", "cases_caregiver_search_trgm"),
]


def add_reference_data(apps, schema_editor):
    ServiceCategory = apps.get_model("cases", "ServiceCategory")
    Program = apps.get_model("cases", "Program")
    for position, code in enumerate(CATEGORIES):
        ServiceCategory.objects.get_or_create(code=code, defaults={"position": position})
    for name, kind, follow_up, answer in PROGRAMS:
        Program.objects.get_or_create(
            name=name, defaults={"kind": kind, "follow_up_target_days": follow_up, "referral_answer_days": answer}
        )


def add_trigram_indexes(apps, schema_editor):
    # Partial-name search uses LIKE '%word%'; on PostgreSQL a trigram GIN index
    # serves it. SQLite has no such index and scans instead.
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_name gin_trgm_ops)"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cases_family_phone_trgm ON cases_family USING gin (phone_digits gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cases_caregiver_phone_trgm ON cases_caregiver "
        "USING gin (phone_digits gin_trgm_ops)"
    )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in [*TRIGRAM_INDEXES, ("", "cases_family_phone_trgm"), ("", "cases_caregiver_phone_trgm")]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(add_reference_data, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
