"""The embedded catalog, and the script that refreshes it from the gallery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ecs_lint.gallery.catalog import CATALOG_PATH, Catalog, Evidence, embedded_catalog

if TYPE_CHECKING:
    from servers.gallery_server import GalleryServer

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_catalog_loads_and_round_trips() -> None:
    catalog = embedded_catalog()
    assert {"nginx", "python", "node", "redis", "postgres", "alpine", "ubuntu"} <= catalog.official
    data = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    assert Catalog.from_json(catalog.to_json(source=data["source"])) == catalog


@pytest.mark.parametrize(
    ("hub_path", "vouched"),
    [
        ("library/nginx", "docker/library/nginx"),
        ("library/amazonlinux", "docker/library/amazonlinux"),
        ("nginx/nginx", "nginx/nginx"),
        ("amazon/aws-cli", "aws-cli/aws-cli"),
        ("amazon/aws-xray-daemon", "xray/aws-xray-daemon"),
        ("amazon/cloudwatch-agent", "cloudwatch-agent/cloudwatch-agent"),
        ("amazon/dynamodb-local", "aws-dynamodb-local/aws-dynamodb-local"),
        ("datadog/agent", "datadog/agent"),
        ("hashicorp/vault", "hashicorp/vault"),
        ("hashicorp/not-a-product", None),  # tried online, not vouched for offline
        ("library/not-an-official-image", None),
        ("bitnami/redis", None),
        ("grafana/grafana", None),
    ],
)
def test_what_the_catalog_vouches_for(hub_path: str, vouched: str | None) -> None:
    catalog = embedded_catalog()
    assert catalog.vouched(hub_path) == vouched
    answer = catalog.answer(hub_path)
    assert answer.evidence is (Evidence.CATALOG if vouched else None)
    assert not answer.checked


def test_candidates_tried_online() -> None:
    catalog = embedded_catalog()
    assert catalog.candidates("library/amazonlinux") == [
        "docker/library/amazonlinux",
        "amazonlinux/amazonlinux",
    ]
    assert catalog.candidates("library/brand-new") == ["docker/library/brand-new"]
    assert catalog.candidates("hashicorp/new-product") == ["hashicorp/new-product"]
    assert catalog.candidates("bitnami/redis") == []
    assert catalog.candidates("grafana/grafana") == []  # found through search instead


def test_bitnami_is_never_suggested_even_if_a_mapping_names_it() -> None:
    data = embedded_catalog().to_json(source="test")
    data["publishers"].append({"docker_hub": "acme/redis", "ecr_public": "bitnami/redis"})
    catalog = Catalog.from_json(data)
    assert catalog.candidates("acme/redis") == []
    assert catalog.vouched("acme/redis") is None


def test_a_malformed_catalog_is_refused() -> None:
    from ecs_lint.gallery.catalog import CatalogError

    with pytest.raises(CatalogError):
        Catalog.from_json({"format": 1, "official": {}})
    with pytest.raises(CatalogError, match="format"):
        Catalog.from_json({"format": 99})


# -- scripts/refresh_catalog.py -----------------------------------------------------------------


def refresh(gallery: GalleryServer, *args: str) -> subprocess.CompletedProcess[str]:
    script = ROOT / "scripts" / "refresh_catalog.py"
    env = {key: value for key, value in os.environ.items() if key != "ECS_LINT_OFFLINE"}
    return subprocess.run(
        [sys.executable, str(script), "--gallery-url", gallery.gallery_url, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_refresh_rebuilds_the_catalog_from_the_gallery(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    output = tmp_path / "catalog.json"
    done = refresh(gallery, "--output", str(output), "--allow-shrink")
    assert done.returncode == 0, done.stderr
    catalog = Catalog.from_json(json.loads(output.read_text(encoding="utf-8")))
    # The server mirrors these official images (clearlinux only lives on Docker Hub).
    assert catalog.official == {
        "alpine", "amazonlinux", "busybox", "golang", "nginx", "node", "postgres", "python",
        "redis", "ubuntu",
    }  # fmt: skip
    hashicorp = next(m for m in catalog.publishers if m.docker_hub == "hashicorp/*")
    assert hashicorp.known == {"terraform", "vault"}
    assert {m.ecr_public for m in catalog.publishers} >= {"aws-cli/aws-cli", "nginx/nginx"}
    assert catalog.never == {"bitnami"}
    assert all(path.startswith("/gallery/") for path in gallery.paths())  # the API only


def test_refresh_refuses_to_shrink_and_writes_nothing_on_failure(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    output = tmp_path / "catalog.json"
    done = refresh(gallery, "--output", str(output))
    assert done.returncode == 2 and "--allow-shrink" in done.stderr
    assert not output.exists()
    gallery.faults.errors = 10_000
    done = refresh(gallery, "--output", str(output), "--allow-shrink")
    assert done.returncode == 2 and "nothing written" in done.stderr
    assert not output.exists()
