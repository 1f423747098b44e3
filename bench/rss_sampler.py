"""Resident memory (VmRSS from /proc/<pid>/status) of each gunicorn worker, sampled every half second
until SIGINT; prints `pid peak_kib mean_kib cpu_seconds` per worker (CPU time, user + system, used
during the sampling: a figure that other load on the machine does not inflate).

    .venv/bin/python bench/rss_sampler.py <gunicorn master pid>
"""

import os
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


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main(master: int) -> None:
    samples: dict[int, list[int]] = {}
    cpu: dict[int, list[float]] = {}
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    while not stop:
        for pid in children(master):
            value = rss_kib(pid)
            if value is not None:
                samples.setdefault(pid, []).append(value)
            used = cpu_seconds(pid)
            if used is not None:
                cpu.setdefault(pid, [used, used])[1] = used
        time.sleep(0.5)
    for pid, values in sorted(samples.items()):
        first, last = cpu.get(pid, [0.0, 0.0])
        print(pid, max(values), sum(values) // len(values), f"{last - first:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
