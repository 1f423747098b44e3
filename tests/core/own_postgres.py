"""A PostgreSQL cluster of a test's own (initdb + pg_ctl in a temporary directory, on a free
loopback port), for tests that restart or stop the database: the shared server on 5432 is never
touched. Under root the server runs as the `postgres` user (postgres refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.conftest import require_service
from tests.core.servers import free_port


def _server_bin() -> Path | None:
    """The newest installed server binaries (Debian: /usr/lib/postgresql/<version>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class OwnPostgres:
    """`with OwnPostgres.create() as cluster:` a running server; stopped and removed on exit."""

    def __init__(self, bin_dir: Path, *, run_as: str | None) -> None:
        self.bin_dir = bin_dir
        self.run_as = run_as
        self.port = free_port()
        # Not pytest's tmp_path: under root that is 0700 and the postgres user could not enter it.
        self.base = Path(tempfile.mkdtemp(prefix="sea-own-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        if run_as:
            user = pwd.getpwnam(run_as)
            os.chown(self.base, user.pw_uid, user.pw_gid)

    @classmethod
    def create(cls) -> OwnPostgres:
        bin_dir = _server_bin()
        require_service(bin_dir is not None and (bin_dir / "pg_ctl").exists(),
                        "PostgreSQL server binaries (initdb, pg_ctl under /usr/lib/postgresql/*/bin)")
        run_as = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                require_service(False, "a 'postgres' user to run a PostgreSQL server as (running as root)")
            require_service(shutil.which("runuser") is not None, "runuser (to start PostgreSQL as 'postgres')")
            run_as = "postgres"
        cluster = cls(bin_dir, run_as=run_as)
        cluster._run("initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--no-sync", "--no-instructions")
        # Only this port on the loopback address, the socket in our own directory, no fsync (scratch data).
        (cluster.data / "postgresql.auto.conf").write_text(
            f"port = {cluster.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{cluster.base}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        if run_as:
            user = pwd.getpwnam(run_as)
            os.chown(cluster.data / "postgresql.auto.conf", user.pw_uid, user.pw_gid)
        cluster.start()
        return cluster

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.base)  # noqa: S603
        if result.returncode != 0:
            raise AssertionError(f"{tool} failed ({result.returncode}): {result.stdout}{result.stderr}\n"
                                 f"{self.log.read_text() if self.log.exists() else ''}")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def restart(self) -> None:
        """What an operator or a package upgrade does: every open connection is terminated."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "30", "restart")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def __enter__(self) -> OwnPostgres:
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
