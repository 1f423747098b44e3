"""Two services that lock the same rows in opposite order deadlock on PostgreSQL, which aborts one of
them. The aborted one runs again (`core.errors.checked`), so both actions are saved and nobody sees
the outage page (schemathesis met this on concurrent paternity claims)."""

import threading

import pytest
from django.db import connection

from allegations.models import ReferenceCounter
from core.errors import checked

pytestmark = pytest.mark.django_db(transaction=True)


def _no_check(**_kwargs) -> None:
    return None


@checked(_no_check)
def lock_both(*, first: int, second: int, barrier: threading.Barrier, attempts: list[int]) -> None:
    attempts.append(first)
    ReferenceCounter.objects.select_for_update().get(pk=first)
    if len([a for a in attempts if a == first]) == 1:
        barrier.wait(timeout=10)  # the first time only: both hold one row and want the other's
    ReferenceCounter.objects.select_for_update().get(pk=second)
    ReferenceCounter.objects.filter(pk=first).update(last_value=first)


def test_it_saves_both_actions_when_the_database_breaks_a_deadlock(postgres):
    a = ReferenceCounter.objects.create(country_code="DLA", year=2026).pk
    b = ReferenceCounter.objects.create(country_code="DLB", year=2026).pk
    barrier, attempts, failures = threading.Barrier(2), [], []

    def run(first: int, second: int) -> None:
        try:
            lock_both(first=first, second=second, barrier=barrier, attempts=attempts)
        except Exception as error:  # noqa: BLE001 - the test reports what escaped
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in ((a, b), (b, a))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures, failures
    assert len(attempts) == 3  # one of the two was aborted by PostgreSQL and ran again
    assert dict(ReferenceCounter.objects.filter(pk__in=[a, b]).values_list("pk", "last_value")) == {a: a, b: b}
