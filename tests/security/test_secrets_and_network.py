"""Secret values are never printed; look-ups go only to the configured endpoints.

Secret values here are: the values of a compose ``.env`` file (only an image built from one may
show it), a password written in an endpoint URL, and the text of files outside the linted tree
(tests/security/test_input_safety.py). Network access is checked with an audit hook that records
every socket connection the run makes.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest
from servers.gallery_server import GalleryServer

from support import run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SECRET = "hunter2-5ecret"
FORMATS = ["text", "concise", "github", "json", "sarif", "gitlab", "junit"]

# --- Connections the run makes: one process-wide audit hook, switched on per test -----------

_connections: list[Any] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _connections is not None and event in ("socket.connect", "socket.getaddrinfo"):
        _connections.append((event, args[1] if event == "socket.connect" else args[:2]))


sys.addaudithook(_audit)


@pytest.fixture
def connections() -> Iterator[list[Any]]:
    global _connections
    _connections = []
    try:
        yield _connections
    finally:
        _connections = None


# --- Secret values ----------------------------------------------------------------------------


def env_tree(root: Path) -> None:
    (root / ".env").write_text(
        f"TAG=1.25\nDB_PASSWORD={SECRET}\nexport API_TOKEN='{SECRET}'\n"
        f'QUOTED="{SECRET}\\n"\nNOT A VALID LINE {SECRET}\n=={SECRET}\n',
        encoding="utf-8",
    )
    (root / "compose.yaml").write_text(
        "services:\n"
        "  web: {image: 'nginx:${TAG}'}\n"  # uses .env: the image may be shown
        "  db: {image: 'postgres:${MISSING}', environment: [DB_PASSWORD]}\n"
        "  bad: {image: 'Bad Image:${TAG}'}\n"
        "  broken: {image: '${TAG'}\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_env_file_values_are_never_printed(fmt: str, tmp_path: Path) -> None:
    env_tree(tmp_path)
    run = run_cli(str(tmp_path), "-o", fmt)
    assert run.status in (1, 2)
    assert "nginx:1.25" in run.stdout or fmt in ("gitlab", "sarif", "junit")
    assert SECRET not in run.stdout + run.stderr


def test_env_file_values_are_not_in_statistics_diff_or_fix(tmp_path: Path) -> None:
    env_tree(tmp_path)
    for args in (["--statistics"], ["--diff", "--unsafe-fixes"], ["--fix", "--unsafe-fixes"]):
        run = run_cli(str(tmp_path), *args)
        assert SECRET not in run.stdout + run.stderr, args
    assert SECRET in (tmp_path / ".env").read_text()  # and --fix never rewrote it


def test_an_unreadable_env_file_is_reported_without_its_content(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(f"DB_PASSWORD={SECRET}\n\xff\xfe{SECRET}\n".encode("latin-1"))
    (tmp_path / "compose.yaml").write_text("services:\n  web: {image: 'nginx:${TAG}'}\n")
    run = run_cli(str(tmp_path), "-o", "concise")
    assert ".env" in run.stdout and "UTF-8" in run.stdout
    assert SECRET not in run.stdout + run.stderr


@pytest.mark.parametrize(
    "url",
    [
        f"https://user:{SECRET}@gallery.example",
        f"http://user:{SECRET}@gallery.example",
        f"https://user:{SECRET}@gallery.example:bad",
        f"ftp://user:{SECRET}@gallery.example",
    ],
)
def test_a_password_in_an_endpoint_url_is_refused_and_not_echoed(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, connections: list[Any]
) -> None:
    monkeypatch.delenv("ECS_LINT_OFFLINE", raising=False)
    monkeypatch.setenv("ECS_LINT_GALLERY_URL", url)
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    run = run_cli(str(tmp_path))
    assert run.status == 2
    assert "ECS_LINT_GALLERY_URL" in run.stderr
    assert SECRET not in run.stdout + run.stderr
    assert connections == []


# --- Network ----------------------------------------------------------------------------------


def test_an_offline_run_opens_no_connection(tmp_path: Path, connections: list[Any]) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\nFROM python:3.12\n")
    run = run_cli(str(tmp_path), "-o", "concise")
    assert run.status == 1
    assert connections == []


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("ECS_LINT_GALLERY_URL", "http://gallery.example"),
        ("ECS_LINT_REGISTRY_URL", "http://10.0.0.1:8080"),
        ("ECS_LINT_DOCKERHUB_REGISTRY_URL", "http://localhost.example"),
        ("ECS_LINT_DOCKERHUB_AUTH_URL", "file:///etc/passwd"),
    ],
)
def test_only_https_or_loopback_endpoints_are_accepted(
    variable: str,
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    connections: list[Any],
) -> None:
    monkeypatch.delenv("ECS_LINT_OFFLINE", raising=False)
    monkeypatch.setenv(variable, url)
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    run = run_cli(str(tmp_path))
    assert run.status == 2
    assert variable in run.stderr
    assert connections == []


def test_online_look_ups_connect_only_to_the_configured_endpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, connections: list[Any]
) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\nFROM python:3.12\nFROM redis:7\n")
    with GalleryServer() as server:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("ECS_LINT_OFFLINE", raising=False)
        monkeypatch.setenv("ECS_LINT_CACHE_DIR", str(tmp_path / "cache"))
        run = run_cli(str(tmp_path), "-o", "concise")
        ports = {int(server.url_of(service).rsplit(":", 1)[1]) for service in server.SERVICES}
        assert server.request_count > 0
    assert run.status == 1, run.stderr
    connected = [address for event, address in connections if event == "socket.connect"]
    assert connected
    assert {host for host, _ in connected} == {"127.0.0.1"}
    assert {port for _, port in connected} <= ports


class _Redirecting(BaseHTTPRequestHandler):
    """Answers everything with a redirect to ``target`` (another local server)."""

    target = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _redirect(self) -> None:
        self.send_response(302)
        self.send_header("Location", f"{self.target}{self.path}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_HEAD = _redirect


class _Counting(BaseHTTPRequestHandler):
    hits = 0

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _count(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = do_HEAD = _count


def _serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_redirects_are_never_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = _serve(_Counting)
    _Redirecting.target = f"http://127.0.0.1:{elsewhere.server_address[1]}"
    redirector = _serve(_Redirecting)
    try:
        base = f"http://127.0.0.1:{redirector.server_address[1]}"
        monkeypatch.delenv("ECS_LINT_OFFLINE", raising=False)
        monkeypatch.setenv("ECS_LINT_CACHE_DIR", str(tmp_path / "cache"))
        for variable, path in (
            ("ECS_LINT_GALLERY_URL", "/gallery"),
            ("ECS_LINT_REGISTRY_URL", "/ecr"),
            ("ECS_LINT_DOCKERHUB_REGISTRY_URL", "/hub"),
            ("ECS_LINT_DOCKERHUB_AUTH_URL", "/hub-auth/token"),
        ):
            monkeypatch.setenv(variable, base + path)
        (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
        run = run_cli(str(tmp_path), "-o", "concise")
    finally:
        redirector.shutdown()
        elsewhere.shutdown()
    assert _Counting.hits == 0
    assert run.status == 1  # the findings decide the exit status, not the failed look-ups
    assert "EL101" in run.stdout
    assert run.stderr.count("ecs-lint: warning:") == 1
