"""Rebuild the embedded ECR Public catalog (linter/data/ecr_public_catalog.json) from the gallery.

Run it online from time to time and review the diff::

    .venv/bin/python scripts/refresh_catalog.py            # rewrite the embedded catalog
    .venv/bin/python scripts/refresh_catalog.py --check    # exit 1 when it is out of date

What it does:

1. Official images: every name already in the catalog, plus every ``docker/library/*``
   repository the gallery's search finds for ``--discover`` terms (verified results only), is
   kept when ``describeImageTags`` knows ``docker/library/<name>``.
2. Publishers: each mapping of the current table is kept when its ECR Public repository exists
   (``getRepositoryCatalogData``); for a ``namespace/*`` mapping, the ``known`` names that exist.
3. Never-suggested aliases (bitnami) stay excluded.

Nothing is written when a look-up fails (a partial catalog would be wrong), or when the new
catalog would lose more than half of the official images unless ``--allow-shrink`` is given.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.gallery.catalog import CATALOG_PATH, Catalog, PublisherMapping, embedded_catalog
from ecs_lint.gallery.client import GalleryClient
from ecs_lint.gallery.endpoints import DEFAULT_GALLERY_URL, EndpointError, checked_url
from ecs_lint.gallery.http import Budget, HttpClient, TransportError

if TYPE_CHECKING:
    from collections.abc import Iterable

DISCOVERY_TERMS = ("library", "docker official image")
WORKERS = 8


def official_names(gallery: GalleryClient, catalog: Catalog, terms: Iterable[str]) -> set[str]:
    alias = catalog.official_alias
    candidates = set(catalog.official)
    for term in terms:
        for result in gallery.search_repositories(term, max_pages=20):
            name = result.repository_name
            official = name.startswith("library/") and name.count("/") == 1
            if result.registry_alias == alias and result.registry_verified and official:
                candidates.add(name.removeprefix("library/"))

    def mirrored(name: str) -> bool:
        listing = gallery.describe_image_tags(alias, f"library/{name}", page_size=1, max_pages=1)
        return listing is not None

    with ThreadPoolExecutor(WORKERS) as pool:
        names = sorted(candidates)
        return {name for name, ok in zip(names, pool.map(mirrored, names), strict=True) if ok}


def publishers(gallery: GalleryClient, catalog: Catalog) -> tuple[PublisherMapping, ...]:
    def exists(path: str) -> bool:
        alias, _, repository = path.partition("/")
        return gallery.get_repository_catalog_data(alias, repository) is not None

    kept: list[PublisherMapping] = []
    for mapping in catalog.publishers:
        if mapping.ecr_public.partition("/")[0] in catalog.never:
            continue
        if not mapping.is_wildcard:
            if exists(mapping.ecr_public):
                kept.append(mapping)
            else:
                print(f"dropped {mapping.docker_hub} -> {mapping.ecr_public}", file=sys.stderr)
            continue
        paths = [mapping.ecr_public[:-1] + name for name in sorted(mapping.known or ())]
        with ThreadPoolExecutor(WORKERS) as pool:
            found = [
                p.rpartition("/")[2]
                for p, ok in zip(paths, pool.map(exists, paths), strict=True)
                if ok
            ]
        kept.append(dataclasses.replace(mapping, known=frozenset(found)))
    return tuple(kept)


def refresh(gallery_url: str, terms: Iterable[str]) -> Catalog:
    current = embedded_catalog()
    gallery = GalleryClient(HttpClient(Budget(600.0), per_host=WORKERS), gallery_url)
    return dataclasses.replace(
        current,
        official=frozenset(official_names(gallery, current, terms)),
        publishers=publishers(gallery, current),
        generated=datetime.date.today().isoformat(),
    )


def _content(data: dict[str, object]) -> dict[str, object]:
    """The catalog without its date and provenance, which change on every refresh."""
    return {key: value for key, value in data.items() if key not in ("generated", "source")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gallery-url", default=DEFAULT_GALLERY_URL)
    parser.add_argument("--output", type=Path, default=CATALOG_PATH)
    parser.add_argument(
        "--discover", action="append", help="extra search terms for official images"
    )
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if different")
    parser.add_argument("--allow-shrink", action="store_true")
    args = parser.parse_args(argv)
    try:
        url = checked_url(args.gallery_url, "--gallery-url")
        catalog = refresh(url, [*DISCOVERY_TERMS, *(args.discover or [])])
    except (EndpointError, TransportError) as error:
        print(f"refresh_catalog: {error}; nothing written", file=sys.stderr)
        return 2
    previous = embedded_catalog()
    if len(catalog.official) < len(previous.official) / 2 and not args.allow_shrink:
        print(
            f"refresh_catalog: only {len(catalog.official)} official images found (was "
            f"{len(previous.official)}); nothing written (--allow-shrink to accept)",
            file=sys.stderr,
        )
        return 2
    text = json.dumps(catalog.to_json(source=f"refresh_catalog.py from {url}"), indent=2) + "\n"
    if args.check:
        old = args.output.read_text(encoding="utf-8") if args.output.exists() else "{}"
        same = _content(json.loads(old)) == _content(json.loads(text))
        print("catalog is up to date" if same else "catalog is out of date")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    added = sorted(catalog.official - previous.official)
    removed = sorted(previous.official - catalog.official)
    print(f"wrote {args.output}: {len(catalog.official)} official images", file=sys.stderr)
    print(
        f"added: {', '.join(added) or '-'}; removed: {', '.join(removed) or '-'}", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
