"""A wheelhouse made offline from the test virtualenv, for the pre-commit hook tests.

pre-commit installs a ``language: python`` hook with pip (``pip install .`` in the hook's
repository). So that no test reaches the internet, that pip finds everything it needs in a local
directory: ecs-lint's runtime requirements and its build backend (``build-system.requires``),
with their own requirements. Each is installed in the virtualenv running the tests (the test
extra holds the build backend), so :func:`build_wheelhouse` rebuilds their wheels from the
installed files: the RECORD of each distribution names its files, and its WHEEL file the tags of
the wheel it came from.

Imported as ``offline_wheels`` (tests/ is on pytest's pythonpath).
"""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path, PurePosixPath

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = Path(__file__).resolve().parents[1]
INSTALL_COMMAND = ".venv/bin/pip install -e '.[test]' --config-settings editable_mode=strict"
# Written by the installer, not part of the wheel; RECORD is written anew.
INSTALLER_FILES = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


class MissingDistribution(Exception):
    """A requirement no distribution installed in the test virtualenv meets."""


def project_requirements(pyproject: Path = PROJECT / "pyproject.toml") -> list[str]:
    """What ``pip install .`` of the project needs: its dependencies and its build backend."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return [*project["project"]["dependencies"], *project["build-system"]["requires"]]


def requirement_closure(requirements: list[str]) -> list[metadata.Distribution]:
    """The installed distributions meeting ``requirements`` and, recursively, theirs."""
    found: dict[str, metadata.Distribution] = {}
    visited: set[tuple[str, frozenset[str]]] = set()
    pending = [Requirement(text) for text in requirements]
    pending = [needed for needed in pending if applies(needed, extras=())]
    while pending:
        requirement = pending.pop()
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in visited:
            continue
        visited.add(key)
        distribution = installed(requirement)
        found[key[0]] = distribution
        for text in distribution.requires or []:
            needed = Requirement(text)
            if applies(needed, extras=tuple(requirement.extras)):
                pending.append(needed)
    return sorted(found.values(), key=lambda distribution: distribution.metadata["Name"].lower())


def applies(requirement: Requirement, extras: tuple[str, ...]) -> bool:
    """Whether ``requirement`` holds here, for a distribution installed with ``extras``."""
    marker = requirement.marker
    return marker is None or any(marker.evaluate({"extra": extra}) for extra in ("", *extras))


def installed(requirement: Requirement) -> metadata.Distribution:
    try:
        distribution = metadata.distribution(requirement.name)
    except metadata.PackageNotFoundError:
        raise MissingDistribution(
            f"{requirement} is not installed in the test virtualenv: run `{INSTALL_COMMAND}`"
        ) from None
    if not requirement.specifier.contains(distribution.version, prereleases=True):
        raise MissingDistribution(
            f"{requirement} is needed but {requirement.name} {distribution.version} is installed "
            f"in the test virtualenv: run `{INSTALL_COMMAND}`"
        )
    return distribution


def wheel_name(distribution: metadata.Distribution) -> str:
    """The file name of the wheel ``distribution`` was installed from: name, version, tags."""
    tags = [
        line.split(":", 1)[1].strip().split("-")
        for line in (distribution.read_text("WHEEL") or "").splitlines()
        if line.startswith("Tag:")
    ]
    if not tags:
        raise MissingDistribution(f"{distribution.metadata['Name']} was not installed from a wheel")
    python, abi, platform = (".".join(dict.fromkeys(part)) for part in zip(*tags, strict=True))
    name = re.sub(r"[-_.]+", "_", distribution.metadata["Name"]).lower()
    return f"{name}-{distribution.version}-{python}-{abi}-{platform}.whl"


def rebuild_wheel(distribution: metadata.Distribution, directory: Path) -> Path:
    """Zip ``distribution``'s installed files back into its wheel, with a new RECORD.

    Files outside site-packages (console scripts, which pip writes again from the entry points,
    headers, data) and compiled bytecode are left out."""
    packaged = [
        file
        for file in distribution.files or []
        if file.parts[0] != ".." and "__pycache__" not in file.parts
    ]
    info = next(file.parts[0] for file in packaged if file.parts[0].endswith(".dist-info"))
    wheel = directory / wheel_name(distribution)
    record = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for file in packaged:
            if file.parts[0] == info and file.name in INSTALLER_FILES:
                continue
            data = Path(str(distribution.locate_file(file))).read_bytes()
            archive.writestr(str(PurePosixPath(*file.parts)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{PurePosixPath(*file.parts)},sha256={digest.decode()},{len(data)}")
        record.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel


def build_wheelhouse(directory: Path) -> list[Path]:
    """Wheels for everything ``pip install`` of the project needs, written to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    return [
        rebuild_wheel(distribution, directory)
        for distribution in requirement_closure(project_requirements())
    ]
