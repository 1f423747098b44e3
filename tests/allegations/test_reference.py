import threading

import pytest
from django.db import close_old_connections

from allegations.services import next_reference

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_numbers_references_per_country_and_year():
    assert [next_reference(country_code="CAF", year=2016) for _ in range(3)] == [
        "CAF-2016-0001", "CAF-2016-0002", "CAF-2016-0003",
    ]
    assert next_reference(country_code="CAF", year=2017) == "CAF-2017-0001"
    assert next_reference(country_code="SOM", year=2016) == "SOM-2016-0001"


def test_it_never_hands_out_the_same_reference_to_concurrent_intakes(postgres):
    references: list[str] = []
    errors: list[Exception] = []
    start = threading.Barrier(8)

    def intake() -> None:
        try:
            start.wait()
            for _ in range(10):
                references.append(next_reference(country_code="CAF", year=2016))
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=intake) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(references) == [f"CAF-2016-{n:04d}" for n in range(1, 81)]
