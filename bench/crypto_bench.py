"""Field encryption benchmark: throughput per field, duplicate lookup, key rotation.

    .venv/bin/python bench/crypto_bench.py [--victims 100000]

Uses a scratch PostgreSQL database (BENCH_DATABASE_URL, default sea_bench on localhost).
"""

import argparse
import datetime
import time

from _setup import setup_django

setup_django()

from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from core.crypto import blind_index, keyring, normalise_name  # noqa: E402
from core.rotation import rotate_model  # noqa: E402
from victims.models import Victim  # noqa: E402


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def field_throughput(samples: int = 20_000) -> None:
    ring = keyring()
    print(f"\n## Encrypt + decrypt throughput ({samples} values each, one core)")
    print("| field | plaintext size | encrypt/s | decrypt/s |")
    print("|---|---|---|---|")
    for field, text in [("full_name", "Aïcha N'Dongo Exemple"), ("contact_details", "+236 70 00 00 00, via the case worker at the partner NGO"),
                        ("narrative", "Account of the events. " * 200)]:
        aad = f"victims_victim|{field}|00000000-0000-0000-0000-000000000000".encode()
        start = time.perf_counter()
        tokens = [ring.encrypt(text, aad) for _ in range(samples)]
        enc = samples / (time.perf_counter() - start)
        start = time.perf_counter()
        for token in tokens:
            ring.decrypt(token, aad)
        dec = samples / (time.perf_counter() - start)
        print(f"| {field} | {len(text.encode())} B | {enc:,.0f} | {dec:,.0f} |")


def load_victims(count: int) -> None:
    Victim.objects.all().delete()
    batch = []
    start = time.perf_counter()
    for n in range(count):
        name = f"Person{n} Exemple{n % 977}"
        victim = Victim(code=f"B-{n:07d}", full_name=name, contact_details=f"phone {n}",
                        date_of_birth=datetime.date(1990, 1, 1) + datetime.timedelta(days=n % 7000), sex="female")
        victim.name_index = blind_index(normalise_name(name))
        batch.append(victim)
        if len(batch) == 5000:
            Victim.objects.bulk_create(batch)
            batch = []
    Victim.objects.bulk_create(batch)
    print(f"\nLoaded {count:,} victims (encrypting 3 fields each) in {time.perf_counter() - start:.1f} s")


def duplicate_lookup(count: int) -> None:
    target = f"Person{count - 7} Exemple{(count - 7) % 977}"
    typed = "  " + target.upper().replace(" ", "   ")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE victims_victim")
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        found = list(Victim.objects.filter(name_index=blind_index(normalise_name(typed))).values_list("code", flat=True))
    indexed = (time.perf_counter() - start) / runs
    wanted = normalise_name(typed)
    start = time.perf_counter()
    brute = [v.code for v in Victim.objects.only("id", "code", "full_name").iterator(chunk_size=5000)
             if normalise_name(v.full_name) == wanted]
    scan = time.perf_counter() - start
    assert found == brute == [f"B-{count - 7:07d}"], (found, brute)
    print(f"\n## Duplicate lookup among {count:,} victims")
    print("| method | time |")
    print("|---|---|")
    print(f"| blind index (HMAC, B-tree) | {indexed * 1000:.2f} ms |")
    print(f"| decrypt every row and compare | {scan:.1f} s |")


def rotation(count: int) -> None:
    keys = keyring()
    old_current = f"{keys.current_id}"
    from core.crypto import new_key

    new_spec = f"rot{int(time.time())}:{new_key()}," + ",".join(
        f"{kid}:{__import__('base64').urlsafe_b64encode(k).decode().rstrip('=')}" for kid, k in keys.keys.items()
    )
    with override_settings(SEA_FIELD_KEYS=new_spec):
        start = time.perf_counter()
        for progress in rotate_model(Victim, batch_size=1000):
            pass
        elapsed = time.perf_counter() - start
    print(f"\n## Key rotation ({old_current} -> new key)")
    print(f"{count:,} rows (3 encrypted fields each) in {elapsed:.1f} s: {count / elapsed:,.0f} rows/s; "
          f"{progress.remaining} values left under the old key")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--victims", type=int, default=100_000)
    args = parser.parse_args()
    field_throughput()
    load_victims(args.victims)
    duplicate_lookup(args.victims)
    rotation(args.victims)
