"""A path whose bytes are not UTF-8, as any POSIX file system may give one, in every output format.

Python holds such a byte as a surrogate escape (0xE9 is ``\\udce9``). Every format writes it the
same way: URIs percent-encode the path's bytes (``caf%E9``), JSON strings escape the surrogate
(``"caf\\udce9"``, which ``os.fsencode`` turns back into the bytes), and the text formats show that
escape as text. No output holds a lone surrogate, so it encodes in any output encoding.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

RAW = b"caf\xe9/Dockerfile"
SHOWN = "caf\\udce9/Dockerfile"

pytestmark = pytest.mark.skipif(
    sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8"
)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / os.fsdecode(RAW)).parent.mkdir()
    (tmp_path / os.fsdecode(RAW)).write_text("FROM nginx:1.25\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def report(output_format: str, *options: str) -> str:
    run = run_cli(".", "--offline", "--select", "EL101", "-o", output_format, *options)
    assert run.status == 1, run.stderr
    run.stdout.encode("utf-8")  # no lone surrogate is left
    return run.stdout


@pytest.mark.parametrize("output_format", ["text", "concise"])
def test_text_formats_show_the_surrogate_escape(tree: Path, output_format: str) -> None:
    assert report(output_format).startswith(f"{SHOWN}:1:6: EL101 docker.io/library/nginx:1.25 ")


def test_github_annotations(tree: Path) -> None:
    assert report("github").startswith(f"::error file={SHOWN},line=1,col=6,")


def test_json_file_is_the_path(tree: Path) -> None:
    (finding,) = json.loads(report("json"))
    assert os.fsencode(finding["file"]) == RAW


def test_gitlab_location_is_the_path(tree: Path) -> None:
    (issue,) = json.loads(report("gitlab"))
    assert os.fsencode(issue["location"]["path"]) == RAW


def test_sarif_uri_percent_encodes_the_bytes(tree: Path) -> None:
    log = json.loads(report("sarif"))
    (result,) = log["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "caf%E9/Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert urllib.parse.unquote_to_bytes(location["uri"]) == RAW
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"] == location


def test_sarif_outside_the_repository_is_an_absolute_file_uri(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / ".git").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    run = run_cli(str(tmp_path / os.fsdecode(RAW)), "--offline", "-o", "sarif")
    uri = json.loads(run.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert uri["artifactLocation"]["uri"].endswith("/caf%E9/Dockerfile")
    assert uri["artifactLocation"]["uri"].startswith("file:///")


def test_junit_names_the_file_with_the_escape(tree: Path) -> None:
    suites = ET.fromstring(report("junit"))
    (case,) = suites.iter("testcase")
    assert (case.get("name"), case.get("file")) == (SHOWN, SHOWN)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_statistics(tree: Path, output_format: str) -> None:
    output = report(output_format, "--statistics")
    assert "EL101" in output
