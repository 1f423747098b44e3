from celery import shared_task

from reporting.services import delete_expired_exports as _delete_expired
from reporting.services import export_job_build


@shared_task(acks_late=True)
def build_export(job_id: str) -> None:
    export_job_build(job_id)


@shared_task
def delete_expired_exports() -> int:
    return _delete_expired()
