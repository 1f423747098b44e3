from celery import shared_task

from core.queue import enqueue, register_task
from reporting.services import delete_expired_exports as _delete_expired
from reporting.services import export_job_build, exports_to_requeue


@register_task("reporting.build_export")
@shared_task(acks_late=True)
def build_export(job_id: str) -> None:
    export_job_build(job_id)


@shared_task
def delete_expired_exports() -> int:
    return _delete_expired()


@shared_task
def requeue_stalled_exports() -> int:
    """Beat: queue again the exports whose publish failed (broker down) or whose worker was lost."""
    return sum(enqueue(build_export, str(job_id)) for job_id in exports_to_requeue())
