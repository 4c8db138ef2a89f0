"""Write ``action/constraints.txt``: the exact version of every package ecs-lint needs at run time.

The GitHub Action installs ecs-lint with these constraints (``pip install --constraint``), so a
release of the action installs the same packages on every run, and its cached virtualenv is keyed
on them. The versions are those installed in the virtualenv running this script (the ones the
tests ran against); a requirement that applies only elsewhere (``colorama`` on Windows, for
typer) keeps the version the file already pins, since it cannot be read here.

    python scripts/pin_action.py            # rewrite action/constraints.txt
    python scripts/pin_action.py --check    # exit 1 if it lacks a requirement or breaks one

``tests/test_action.py`` runs the check (not the versions: the test virtualenv may hold newer
ones, which the pins need not follow).
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if TYPE_CHECKING:
    from packaging.markers import Marker

PROJECT = Path(__file__).resolve().parents[1]
CONSTRAINTS = PROJECT / "action" / "constraints.txt"
HEADER = """\
# The exact versions the GitHub Action installs ecs-lint with (pip install --constraint).
# Written by scripts/pin_action.py from the test virtualenv; a release refreshes them.
"""
# Where the action runs: GitHub's Linux, macOS and Windows runners, Python 3.11 and later.
ENVIRONMENTS = [
    {
        "sys_platform": sys_platform,
        "platform_system": system,
        "os_name": os_name,
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }
    for sys_platform, system, os_name in (
        ("linux", "Linux", "posix"),
        ("darwin", "Darwin", "posix"),
        ("win32", "Windows", "nt"),
    )
    for python in ("3.11", "3.12", "3.13", "3.14")
]


def applies_somewhere(marker: Marker | None) -> bool:
    return marker is None or any(marker.evaluate(dict(env)) for env in ENVIRONMENTS)


def project_requirements() -> list[Requirement]:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    return [Requirement(text) for text in project["project"]["dependencies"]]


def closure() -> dict[str, list[Requirement]]:
    """Every package ecs-lint needs on some runner, by normalised name, with the requirements
    on it (the project's and its requirements' own, as installed here)."""
    needed: dict[str, list[Requirement]] = {}
    pending = [req for req in project_requirements() if applies_somewhere(req.marker)]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        seen = name in needed
        needed.setdefault(name, []).append(requirement)
        if seen:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # needed only elsewhere (its own requirements are not known here)
        for text in distribution.requires or []:
            inner = Requirement(text)
            if applies_somewhere(inner.marker):
                pending.append(inner)
    return needed


def read_pins(path: Path = CONSTRAINTS) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            name, _, version = text.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def problems(pins: dict[str, str], needed: dict[str, list[Requirement]]) -> list[str]:
    """What is wrong with ``pins``: a package needed but not pinned, one pinned but not needed,
    a pin that a requirement on it does not accept."""
    found = [f"{name} is needed but not pinned" for name in sorted(needed.keys() - pins.keys())]
    found += [f"{name} is pinned but not needed" for name in sorted(pins.keys() - needed.keys())]
    for name, requirements in sorted(needed.items()):
        version = pins.get(name)
        for requirement in requirements:
            if version is not None and not requirement.specifier.contains(version, True):
                found.append(f"{name}=={version} does not meet {requirement}")
    return found


def current_pins(needed: dict[str, list[Requirement]]) -> dict[str, str]:
    existing = read_pins() if CONSTRAINTS.exists() else {}
    pins = {}
    for name in needed:
        try:
            pins[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name not in existing:
                raise SystemExit(f"{name} is not installed here: pin it in {CONSTRAINTS}") from None
            pins[name] = existing[name]
    return pins


def main(argv: list[str]) -> int:
    needed = closure()
    if argv == ["--check"]:
        found = problems(read_pins(), needed)
        for problem in found:
            print(f"{CONSTRAINTS.relative_to(PROJECT)}: {problem}", file=sys.stderr)
        return 1 if found else 0
    pins = current_pins(needed)
    lines = [f"{name}=={version}" for name, version in sorted(pins.items())]
    CONSTRAINTS.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
