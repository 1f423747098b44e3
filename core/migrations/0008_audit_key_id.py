from django.db import migrations, models

# 0003 refuses UPDATE and DELETE row by row; TRUNCATE fires no row trigger, so it gets its own.
CREATE = """
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    """The audit chain becomes keyed (HMAC under an audit key kept outside the database), and the
    database refuses TRUNCATE of the trail as it refuses UPDATE and DELETE."""

    dependencies = [("core", "0007_access_request")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(forwards, backwards),
    ]
