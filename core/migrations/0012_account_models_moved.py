"""ApiToken and UserPreference now belong to the accounts app (accounts/migrations/0001), which
keeps their tables: they leave core's migration state only; the database is not touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0011_reference_french_names"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ApiToken"),
                migrations.DeleteModel(name="UserPreference"),
            ],
        ),
    ]
