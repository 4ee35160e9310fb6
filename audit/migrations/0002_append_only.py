"""On PostgreSQL, a trigger refuses UPDATE and DELETE on the audit tables, whoever the client is.

Covers this app's access log and django-auditlog's change log. TRUNCATE is not
covered: it needs the table owner's rights, which the deployment keeps from the
application's database role (docs/SECURITY.md).
"""

from django.db import migrations

TABLES = ("audit_accessevent", "auditlog_logentry")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION carecoord_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION carecoord_refuse_audit_change();"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS carecoord_refuse_audit_change();")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_access_log"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
