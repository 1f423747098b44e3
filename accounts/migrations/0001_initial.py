"""ApiToken and UserPreference move here from core, with their tables (core_apitoken,
core_userpreference) and rows as they are: the models are created in the migration state only,
and core/migrations/0012 takes them out of core's state. Their content types follow them, so the
permissions already granted on them (accounts.view_apitoken, ...) keep working."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("apitoken", "userpreference")


def content_types_move(apps, schema_editor, source="core", target="accounts"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue  # a new database: post_migrate creates the accounts ones
        # One created meanwhile under the new label (nothing can be granted on it yet) gives way to the
        # old row, which carries the permissions already granted.
        ContentType.objects.using(db).filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def content_types_move_back(apps, schema_editor):
    content_types_move(apps, schema_editor, source="accounts", target="core")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0011_reference_french_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(help_text="What the token is for, e.g. “annual export script”.", max_length=80, verbose_name="name")),
                        ("prefix", models.CharField(editable=False, max_length=8)),
                        ("key_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("expires_at", models.DateTimeField(verbose_name="expires")),
                        ("last_used_at", models.DateTimeField(blank=True, null=True, verbose_name="last used")),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "API token",
                        "verbose_name_plural": "API tokens",
                        "db_table": "core_apitoken",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="UserPreference",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("language", models.CharField(blank=True, choices=[("en", "English"), ("fr", "French")], max_length=8, verbose_name="language")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="preference", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "user preference",
                        "verbose_name_plural": "user preferences",
                        "db_table": "core_userpreference",
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]
