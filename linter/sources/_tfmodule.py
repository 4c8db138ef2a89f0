"""Terraform modules on disk: the ``.tf`` files of a directory, parsed once per run.

A module is every ``.tf`` file of one directory (:class:`ModuleDir`: its files and their
top-level blocks by kind). Each run (one ``Settings``) parses a file once however many files of
its module are linted, and keeps each module directory it reads (:class:`RunCache`). A file that
cannot be read or parsed is an EL900 problem naming its line; the module's other files are read.
Where a module call's source is on disk is found here too: a local directory, or where
``terraform init`` downloaded it (``.terraform/modules/modules.json``, read only).
"""

from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ecs_lint.model import Problem, ProblemKind, Span
from ecs_lint.sources._hcl import block_parts
from ecs_lint.sources._hclsyntax import parse_hcl, syntax_error
from ecs_lint.textio import UnreadableFile, read_source

if TYPE_CHECKING:
    from tree_sitter import Node

    from ecs_lint.settings import Settings
    from ecs_lint.sources._hclsyntax import HclFile
    from ecs_lint.sources._tfinstance import Instance
    from ecs_lint.textio import SourceText

__all__ = [
    "MAX_MODULE_FILES",
    "Block",
    "ModuleDir",
    "RunCache",
    "directory_stamps",
    "downloaded_modules",
    "file_stamp",
    "has_tf_files",
    "load_module",
    "run_cache",
]

MAX_MODULE_FILES: Final = 1000
"""``.tf`` files read of one module directory; beyond that, the first ones by name."""


@dataclass(slots=True, eq=False)
class Block:
    kind: str
    labels: list[str]
    node: Node
    body: Node
    file: HclFile

    @property
    def span(self) -> Span:
        return self.file.span(self.node)

    def attribute(self, name: str) -> Node | None:
        """The expression of the body's attribute ``name``."""
        for child in self.body.named_children:
            if child.type == "attribute" and self.file.text(child.named_children[0]) == name:
                return child.named_children[-1]
        return None


# --- Module directories ------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class ModuleDir:
    """The ``.tf`` files of one directory, parsed, and their top-level blocks by kind."""

    directory: Path
    display: str
    stamps: dict[str, Stamp] = field(default_factory=dict)
    files: list[HclFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, tuple[HclFile, Node]] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    by_path: dict[str, HclFile] = field(default_factory=dict)
    blocks_of: dict[str, list[Block]] = field(default_factory=dict)
    """Each file's blocks, by its path."""
    of_type: dict[str, list[Block]] = field(default_factory=dict)
    """The resource blocks of each type."""

    def add(self, file: HclFile) -> None:
        self.files.append(file)
        self.by_path[file.path] = file
        own = self.blocks_of.setdefault(file.path, [])
        for node in file.body:
            if node.type != "block":
                continue
            kind, labels, body = block_parts(file, node)
            if body is None:
                continue
            if kind == "locals":
                for child in body.named_children if body is not node else []:
                    if child.type == "attribute":
                        name = file.text(child.named_children[0])
                        self.locals.setdefault(name, (file, child))
                continue
            block = Block(kind, labels, node, body, file)
            self.blocks.append(block)
            own.append(block)
            if kind in ("resource", "data") and len(labels) == 2:
                index = self.resources if kind == "resource" else self.data
                index.setdefault((labels[0], labels[1]), block)
                if kind == "resource":
                    self.of_type.setdefault(labels[0], []).append(block)
            elif len(labels) == 1 and kind in ("variable", "module", "output"):
                table = {"variable": self.variables, "module": self.calls, "output": self.outputs}
                table[kind].setdefault(labels[0], block)

    @property
    def paths(self) -> dict[str, HclFile]:
        return self.by_path


@dataclass(slots=True)
class RunCache:
    """What a run (one ``Settings``) has parsed and evaluated: the files of a module are read
    once however many of them are linted, and each root module is evaluated once. Each use
    checks the directory's files are still the ones read (a run that fixes files lints them
    again with the same settings)."""

    settings: Settings
    files: dict[Path, tuple[Stamp, HclFile | Problem]] = field(default_factory=dict)
    modules: dict[Path, ModuleDir] = field(default_factory=dict)
    roots: dict[Path, Instance] = field(default_factory=dict)


Stamp = tuple[int, int]
"""A file's modification time and size: a file whose stamp changed is read again."""


_RUN: list[RunCache] = []


def run_cache(settings: Settings) -> RunCache:
    if not _RUN or _RUN[0].settings is not settings:
        _RUN[:] = [RunCache(settings)]
    return _RUN[0]


def _parsed(
    run: RunCache, path: Path, display: str, given: SourceText | None, stamp: Stamp
) -> HclFile | Problem:
    key = path.resolve()
    cached = run.files.get(key)
    same_text = cached is not None and (given is None or _cached_text(cached[1]) == given.text)
    if cached is not None and cached[0] == stamp and same_text:
        return cached[1]
    try:
        source = given or read_source(path, display, run.settings.max_file_size)
    except UnreadableFile as error:
        span = Span(display, error.line, error.column, error.line, error.column + 1)
        found: HclFile | Problem = Problem(ProblemKind.PARSE, error.message, span)
    else:
        hcl = parse_hcl(source)
        error_at = syntax_error(hcl)
        found = hcl if error_at is None else Problem(ProblemKind.PARSE, error_at[1], error_at[0])
    run.files[key] = (stamp, found)
    return found


def _cached_text(found: HclFile | Problem) -> str | None:
    return found.source.text if not isinstance(found, Problem) else None


def load_module(
    run: RunCache, directory: Path, display: str, given: SourceText | None = None
) -> ModuleDir:
    key = directory.resolve()
    stamps = directory_stamps(directory)
    module = run.modules.get(key)
    if module is not None and module.stamps == stamps and given is not None:
        own = module.by_path.get(given.path)
        if own is not None and own.source.text != given.text:
            module = None  # the file changed since its module was read: read it again
    if module is not None and module.stamps == stamps:
        return module
    module = ModuleDir(key, display, stamps)
    names = sorted(name for name in stamps if name.endswith(".tf"))
    if given is not None and Path(given.path).name not in names:
        names.append(Path(given.path).name)
    own_name = Path(given.path).name if given is not None else None
    for name in names[:MAX_MODULE_FILES]:
        shown = posixpath.join(display, name) if display not in ("", ".") else name
        text = given if name == own_name else None
        found = _parsed(run, directory / name, shown, text, stamps.get(name, (0, 0)))
        if isinstance(found, Problem):
            module.problems.append(found)
        else:
            module.add(found)
    run.modules[key] = module
    return module


def directory_stamps(directory: Path) -> dict[str, Stamp]:
    """The stamps of the files of a directory ecs-lint reads as a module: ``.tf`` and
    ``.tfvars`` files."""
    stamps: dict[str, Stamp] = {}
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.endswith((".tf", ".tfvars", ".tfvars.json")) and entry.is_file():
                    info = entry.stat()
                    stamps[entry.name] = (info.st_mtime_ns, info.st_size)
    except OSError:
        pass
    return stamps


def file_stamp(path: Path) -> Stamp:
    try:
        info = path.stat()
    except OSError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


def has_tf_files(directory: Path) -> bool:
    try:
        return directory.is_dir() and any(p.suffix == ".tf" for p in directory.iterdir())
    except OSError:
        return False


def downloaded_modules(root: Path) -> dict[str, Path]:
    """``terraform init``'s map of module calls (``a.b`` for call b inside call a) to the
    directories it downloaded them to, from ``.terraform/modules/modules.json``."""
    path = root / ".terraform" / "modules" / "modules.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    found: dict[str, Path] = {}
    entries = data.get("Modules") if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            key, directory = entry.get("Key"), entry.get("Dir")
            if isinstance(key, str) and key and isinstance(directory, str):
                found[key] = root / directory
    return found
