"""The production settings for the gunicorn of tests/core/test_database_outage.py, except the static
files storage: the manifest storage needs collectstatic first, which takes minutes with the API
documentation's bundles and has nothing to do with a database outage."""

from sea_cases.settings import *  # noqa: F403
from sea_cases.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
