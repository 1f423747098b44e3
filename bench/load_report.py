"""The Markdown table of bench/load_run.sh, from locust's CSV statistics and the RSS samples.

    .venv/bin/python bench/load_report.py var/bench/<db> 10 50
"""

import csv
import os
import sys
from pathlib import Path

ORDER = ["list", "list (filters)", "list (search)", "detail", "intake POST", "API list", "intake form (GET)",
         "Aggregated"]


def main(out: Path, user_counts: list[str]) -> None:
    print(f"gunicorn {os.environ.get('LOAD_WORKERS', '3')} sync workers, "
          f"think time {os.environ.get('LOAD_WAIT', '1 3').replace(' ', '-')} s, "
          f"{os.environ.get('LOAD_SECONDS', '60')} s per run\n")
    print("| users | endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for users in user_counts:
        rows = {row["Name"]: row for row in csv.DictReader(open(out / f"u{users}_stats.csv"))}
        for name in ORDER:
            row = rows.get(name)
            if row is None or not int(row["Request Count"]):
                continue
            label = "**all**" if name == "Aggregated" else name
            print(f"| {users} | {label} | {int(row['Request Count']):,} | {float(row['Requests/s']):.1f} | "
                  f"{row['50%']} | {row['95%']} | {row['99%']} | {row['Failure Count']} |")
    print("\n| users | worker RSS, peak (MiB) | worker RSS, mean (MiB) | worker CPU per request |")
    print("|---|---|---|---|")
    for users in user_counts:
        lines = [line.split() for line in (out / f"rss-{users}.txt").read_text().splitlines() if line.strip()]
        peaks = ", ".join(f"{int(p) / 1024:.0f}" for _, p, _, _ in lines)
        means = ", ".join(f"{int(m) / 1024:.0f}" for _, _, m, _ in lines)
        total = {row["Name"]: row for row in csv.DictReader(open(out / f"u{users}_stats.csv"))}["Aggregated"]
        cpu_ms = sum(float(c) for *_, c in lines) * 1000 / max(int(total["Request Count"]), 1)
        print(f"| {users} | {peaks} | {means} | {cpu_ms:.0f} ms |")
    failures = [out / f"u{u}_failures.csv" for u in user_counts]
    errors = [row for path in failures if path.exists() for row in csv.DictReader(open(path))]
    if errors:
        print("\nErrors:")
        for row in errors:
            print(f"- {row['Name']}: {row['Error']} ({row['Occurrences']}x)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
