"""Resident memory (VmRSS from /proc/<pid>/status) of each gunicorn worker, sampled every half second
until SIGINT; prints `pid peak_kib mean_kib` per worker.

    .venv/bin/python bench/rss_sampler.py <gunicorn master pid>
"""

import signal
import sys
import time
from pathlib import Path


def children(master: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{master}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(pid) for pid in text)
    return found


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def main(master: int) -> None:
    samples: dict[int, list[int]] = {}
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    while not stop:
        for pid in children(master):
            value = rss_kib(pid)
            if value is not None:
                samples.setdefault(pid, []).append(value)
        time.sleep(0.5)
    for pid, values in sorted(samples.items()):
        print(pid, max(values), sum(values) // len(values))


if __name__ == "__main__":
    main(int(sys.argv[1]))
