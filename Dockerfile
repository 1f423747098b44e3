FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
# The directories docker-compose.yml mounts named volumes on: a new volume takes the owner and mode
# of the image's directory, so the unprivileged user `sea` can write evidence files and exports.
RUN pip install --no-cache-dir . && useradd --create-home sea \
    && mkdir -p /srv/sea/checkpoints /srv/sea/attachments /srv/sea/exports /srv/sea/static \
    && chown sea /srv/sea/checkpoints /srv/sea/attachments /srv/sea/exports /srv/sea/static \
    && chmod 700 /srv/sea/attachments /srv/sea/exports
COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only SEA_FIELD_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
    SEA_BLIND_INDEX_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA python manage.py collectstatic --noinput
USER sea
EXPOSE 8000
CMD ["gunicorn", "sea_cases.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
