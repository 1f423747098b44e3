"""A real Celery worker in a subprocess, for tests that need the broker and the worker.

The worker runs in its own process group (prefork parent and children together), so it can be
SIGKILLed whole, as a crashed host would lose it, and so no child outlives a test.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
CONCURRENCY = 2
# Settings a worker must never inherit from the shell that runs the tests.
INHERITED_PREFIXES = ("EMAIL_", "SEA_", "DATABASE_URL", "REDIS_URL", "DEFAULT_FROM_EMAIL", "CELERY_", "DEBUG",
                      "SECRET_KEY", "LOG_LEVEL")


def database_url_for(name: str) -> str:
    """The DATABASE_URL the tests run with, pointed at `name` (pytest-django's test database)."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return url._replace(path=f"/{name}").geturl()


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, workers: tuple[Worker, ...] = (),
               progress: Callable[[], object] | None = None, interval: float = 0.1) -> None:
    """Poll until `condition()` holds; fail with the progress and the workers' logs otherwise, and
    fail early if a worker that should be running has died."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        for worker in workers:
            if not worker.running:
                raise AssertionError(f"worker {worker.hostname} exited (code {worker.returncode}) while waiting "
                                     f"for {what}\n{worker.log_tail()}")
        if time.monotonic() > deadline:
            state = f" (progress: {progress()})" if progress else ""
            logs = "\n".join(w.log_tail() for w in workers)
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{state}\n{logs}")
        time.sleep(interval)


class Worker:
    """`celery -A sea_cases worker` on the `celery` queue, configured only through its environment."""

    def __init__(self, *, env: dict[str, str], log_dir: Path, label: str = "worker") -> None:
        self.name = f"{label}-{uuid.uuid4().hex[:8]}"
        self.hostname = f"{self.name}@{socket.gethostname()}"
        self.log_path = log_dir / f"{self.name}.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(INHERITED_PREFIXES)}
        self.env.update(env)
        self.env["PYTHONUNBUFFERED"] = "1"
        self.process: subprocess.Popen | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def start(self, app, *, timeout: float = 60) -> Worker:
        """Start, and return once the worker answers a remote-control ping (it is then consuming)."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(CELERY), "-A", "sea_cases", "worker", "--loglevel", "WARNING", "--concurrency", str(CONCURRENCY),
                 "--pool", "prefork", "--without-gossip", "--without-mingle", "-Q", "celery", "-n", self.hostname],
                cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches the pool children too
            )
        try:
            wait_until(lambda: bool(app.control.ping(destination=[self.hostname], timeout=0.5)),
                       timeout=timeout, what=f"worker {self.hostname} to answer a ping", workers=(self,), interval=0.2)
        except BaseException:
            self.kill()
            raise
        return self

    def kill(self) -> None:
        """SIGKILL the whole process group (no warm shutdown, nothing acknowledged or restored)."""
        if self.process is None:
            return
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._wait_group_gone()

    def stop(self, *, grace: float = 20) -> None:
        """Warm shutdown (SIGTERM to the parent), then SIGKILL whatever is left of the group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def living_members(self) -> list[int]:
        """Processes still in the worker's group, zombies (dead, awaiting their reaper) excluded."""
        if self.process is None:
            return []
        members = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state ppid pgrp ...
            if int(fields[2]) == self.process.pid and fields[0] != "Z":
                members.append(int(entry.name))
        return members

    def _wait_group_gone(self, timeout: float = 15) -> None:
        """Pool children are reparented when the parent dies; make sure none survives the test."""
        deadline = time.monotonic() + timeout
        while self.living_members():
            if time.monotonic() > deadline:
                raise AssertionError(f"processes {self.living_members()} of worker {self.hostname} survived SIGKILL")
            self._signal_group(signal.SIGKILL)
            time.sleep(0.05)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return f"--- {self.name}: no log ---"
        return f"--- last lines of {self.log_path} ---\n" + "\n".join(text.splitlines()[-lines:])


MESSAGE_ID = re.compile(rb"^Message-ID: (\S+)\s*$", re.MULTILINE | re.IGNORECASE)


def message_ids_in(directory: Path) -> list[str]:
    """Every Message-ID header written by Django's file backend under `directory`, repeats included.

    The backend names its files after the second and id() of the backend object, so two messages
    can share a file (ids get reused, and forked pool children have the same address space):
    count messages, not files."""
    found: list[str] = []
    for path in sorted(directory.glob("*.log")):
        found += [m.decode() for m in MESSAGE_ID.findall(path.read_bytes())]
    return found
