"""What the server-level tests share: a free loopback port, a wait until a started server answers,
stopping its process group, and a small cookie-keeping HTTP(S) client with its Answer.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(probe: Callable[[], bool], process: subprocess.Popen, what: str, log_path: Path,
             seconds: float = 45) -> None:
    """Until probe() is true; fails with the log's end if the process ends or the time runs out first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if probe():
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{what} did not come up\n{log_path.read_text(errors='replace')[-4000:]}")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """The process and all it started (it runs in a session of its own): TERM, then KILL."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def json(self) -> dict:
        assert self.headers["Content-Type"] == "application/json", self.headers["Content-Type"]
        return json.loads(self.body)


class Client:
    """A browser of sorts for a server the test started, over http or https (verifying the certificate
    against `ca`). It keeps its cookies by hand (Secure ones too, which http.cookiejar would not send
    over plain HTTP; a deleted one is dropped), sends `headers` with every request and Origin and
    Referer with a form. `origin` is the site as the browser sees it (behind a TLS proxy: https)."""

    def __init__(self, port: int, *, scheme: str = "http", ca: Path | None = None, host: str = "127.0.0.1",
                 headers: dict[str, str] | None = None, origin: str | None = None) -> None:
        assert scheme in {"http", "https"}, scheme
        self.scheme, self.host, self.port = scheme, host, port
        self.context = ssl.create_default_context(cafile=str(ca) if ca else None) if scheme == "https" else None
        self.headers = dict(headers or {})
        self.origin = origin or f"{scheme}://{host}:{port}"
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []  # every Set-Cookie header received, as sent

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        headers = {"Host": f"{self.host}:{self.port}", **self.headers}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                        "Referer": f"{self.origin}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.scheme == "https":
            connection = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=30)
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode(errors="replace"))
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(header)
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    @staticmethod
    def csrf(page: Answer) -> str:
        """The CSRF token of the page's form."""
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
