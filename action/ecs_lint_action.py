"""The steps of the ecs-lint GitHub Action (``action.yml``): ``setup``, ``install``, ``lint``.

Standard library only, so that any Python 3.11 or later on the runner runs it, on Linux, macOS
and Windows alike (a virtualenv's interpreter is ``bin/python`` on the first two,
``Scripts\\python.exe`` on Windows). The inputs arrive in ``INPUT_*`` variables, which the action
maps from its inputs (a composite action's steps get no ``INPUT_*`` of their own); they are never
pasted into a shell script, so no input can inject shell code. Outputs go to ``$GITHUB_OUTPUT``.

``setup``: the virtualenv's directory and the cache key (the ecs-lint version, a digest of what
is installed from: the pinned requirements, the action's own sources when it installs itself, the
interpreter); ``actions/cache`` restores the virtualenv under that key. ``install``: creates and
fills the virtualenv unless the restored one already runs that version. ``lint``: runs ecs-lint
for the annotations, writes SARIF to ``sarif-file`` in a run of its own, and exits with the
annotation run's status.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ACTION = Path(__file__).resolve().parent
CHECKOUT = ACTION.parent
CONSTRAINTS = ACTION / "constraints.txt"
"""The exact version of every package ecs-lint needs (``scripts/pin_action.py`` writes it)."""
SOURCES = ("pyproject.toml", "linter", "rules")
"""What an install from the action's checkout is built of: its digest is part of the cache key,
so a branch reference (``@main``) never runs a virtualenv built from an older commit."""
REPORT_ONLY = frozenset({"--statistics"})
"""Options of ``args`` that print something other than findings: left out of the annotation and
SARIF runs, given to a run of their own whose text goes to the log."""
CHANGES_FILES = frozenset({"--fix", "--unsafe-fixes", "--diff"})
"""Options of ``args`` that change or diff files: the annotation run applies them, the SARIF run
(after it) reports what remains."""
_RELEASE = re.compile(r"[0-9][0-9A-Za-z.+!_-]*")


class ActionError(Exception):
    """An input the action cannot use: reported as an error annotation, exit status 2."""


def main(argv: list[str]) -> int:
    steps = {"setup": setup, "install": install, "lint": lint}
    if len(argv) != 1 or argv[0] not in steps:
        print(f"usage: {Path(__file__).name} {{setup,install,lint}}", file=sys.stderr)
        return 2
    try:
        return steps[argv[0]]()
    except ActionError as error:
        print(f"::error title=ecs-lint action::{_escape(str(error))}")
        if argv[0] == "lint":
            write_outputs(**{"exit-code": "2"})
        return 2


# --- setup ----------------------------------------------------------------------------------


def setup() -> int:
    """Outputs ``python`` (this interpreter, which builds the virtualenv), ``venv`` (where the
    virtualenv lives), ``version`` and ``key`` (the cache key, without the OS and architecture,
    which action.yml adds)."""
    version = requested_version()
    digest = hashlib.sha256()
    digest.update(CONSTRAINTS.read_bytes())
    digest.update(f"{sys.version}\0{sys.base_prefix}\0{sys.platform}".encode())
    if version == own_version():
        for name, data in _source_files():
            digest.update(name.encode() + b"\0" + data)
    python = ".".join(map(str, sys.version_info[:3]))
    venv = Path(os.environ.get("RUNNER_TEMP") or tempfile.gettempdir()) / f"ecs-lint-{version}"
    key = f"ecs-lint-{version}-py{python}-{digest.hexdigest()[:16]}"
    write_outputs(python=sys.executable, venv=str(venv), version=version, key=key)
    print(f"ecs-lint {version}, Python {python} ({sys.executable})")
    return 0


def own_version() -> str:
    """The version of the ecs-lint this action is a checkout of."""
    project = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(project["project"]["version"])


def requested_version() -> str:
    """The ``version`` input (a leading ``v`` allowed), or the action's own."""
    version = os.environ.get("INPUT_VERSION", "").strip().removeprefix("v")
    if not version:
        return own_version()
    if not _RELEASE.fullmatch(version):
        raise ActionError(f"version: expected a release such as {own_version()}, got {version!r}")
    return version


def _source_files() -> list[tuple[str, bytes]]:
    """The files an install from the checkout is built of, by path, in a stable order."""
    found = []
    for name in SOURCES:
        root = CHECKOUT / name
        for path in [root] if root.is_file() else sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found.append((path.relative_to(CHECKOUT).as_posix(), path.read_bytes()))
    return found


# --- install --------------------------------------------------------------------------------


def install() -> int:
    """Make the virtualenv ``ECS_LINT_VENV`` run ecs-lint ``ECS_LINT_VERSION`` (as ``setup``
    output them), unless the one restored from the cache already does; outputs ``python``, its
    interpreter."""
    venv = Path(_required("ECS_LINT_VENV"))
    version = _required("ECS_LINT_VERSION")
    python = venv_python(venv)
    if python is not None and installed_version(python) == version:
        print(f"ecs-lint {version}: the cached virtualenv")
    else:
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)])
        python = venv_python(venv)
        if python is None:
            raise ActionError(f"python -m venv made no interpreter in {venv}")
        source = str(CHECKOUT) if version == own_version() else f"ecs-lint=={version}"
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        _run([*pip, "--no-input", "--constraint", str(CONSTRAINTS), source])
        found = installed_version(python)
        if found != version:
            raise ActionError(f"installed ecs-lint {found or '(none)'} instead of {version}")
        print(f"ecs-lint {version}: installed")
    write_outputs(python=str(python))
    return 0


def venv_python(venv: Path) -> Path | None:
    """The virtualenv's interpreter: ``bin/python``, or ``Scripts\\python.exe`` on Windows."""
    for candidate in (venv / "bin" / "python", venv / "Scripts" / "python.exe"):
        if candidate.is_file():
            return candidate
    return None


def installed_version(python: Path) -> str | None:
    run = subprocess.run(
        [str(python), "-m", "ecs_lint", "--version"], capture_output=True, text=True, check=False
    )
    name, _, version = run.stdout.strip().partition(" ")
    return version if run.returncode == 0 and name == "ecs-lint" else None


def _run(command: list[str]) -> None:
    status = subprocess.run(command, check=False).returncode
    if status != 0:
        raise ActionError(f"{shlex.join(command)} failed with exit status {status}")


# --- lint -----------------------------------------------------------------------------------


def lint() -> int:
    """Lint ``paths`` with ``args``: annotations on stdout (the job's status is that run's),
    then SARIF to ``sarif-file``; outputs ``exit-code``."""
    python = _required("ECS_LINT_PYTHON")
    paths = input_paths(os.environ.get("INPUT_PATHS", ""))
    args = input_args(os.environ.get("INPUT_ARGS", ""))
    args += _given("--fail-level", os.environ.get("INPUT_FAIL_LEVEL", ""))
    args += _given("--config", os.environ.get("INPUT_CONFIG", ""))
    sarif = os.environ.get("INPUT_SARIF_FILE", "").strip()
    sarif_path = Path(sarif).resolve() if sarif else None  # from the workspace, as later steps
    directory = os.environ.get("INPUT_WORKING_DIRECTORY", "").strip() or "."
    if not Path(directory).is_dir():
        raise ActionError(f"working-directory: {directory} is not a directory")
    plain = [arg for arg in args if arg not in REPORT_ONLY]
    check = [python, "-m", "ecs_lint", "check", *paths]
    status = _lint_run([*check, *plain, "--output-format", "github"], directory)
    if len(plain) != len(args):  # --statistics: its table in the log, as asked
        _lint_run([*check, *args, "--output-format", "text", "--exit-zero"], directory)
    if sarif_path is not None:
        sarif_path.parent.mkdir(parents=True, exist_ok=True)
        reported = [arg for arg in plain if arg not in CHANGES_FILES]
        output = ["--output-format", "sarif", "--output-file", str(sarif_path), "--exit-zero"]
        _lint_run([*check, *reported, *output], directory)
        if not sarif_path.is_file():
            print(f"::warning title=ecs-lint action::{_escape(f'no SARIF written to {sarif}')}")
    write_outputs(**{"exit-code": str(status)})
    return status


def input_paths(text: str) -> list[str]:
    """``paths``: one or more per line, separated by spaces; quotes as in a shell keep a path
    with spaces whole. Nothing given: the working directory."""
    return _words("paths", text) or ["."]


def input_args(text: str) -> list[str]:
    """``args``: options over as many lines as given, quoted as in a shell."""
    return _words("args", text)


def _words(name: str, text: str) -> list[str]:
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError as error:  # an unclosed quote
        raise ActionError(f"{name}: {error}") from None


def _given(option: str, value: str) -> list[str]:
    return [option, value.strip()] if value.strip() else []


def _lint_run(command: list[str], directory: str) -> int:
    sys.stdout.flush()  # the log keeps the order of what was printed
    return subprocess.run(command, cwd=directory, check=False).returncode


# --- outputs --------------------------------------------------------------------------------


def write_outputs(**outputs: str) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        return
    with Path(target).open("a", encoding="utf-8") as stream:
        for name, value in outputs.items():
            stream.write(f"{name}={value}\n")


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ActionError(f"{name} is not set (an earlier step of the action did not run)")
    return value


def _escape(message: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped, so it is one command."""
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
