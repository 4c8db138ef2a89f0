"""What git ignores, read from the ignore files themselves: no ``git`` process per file or run.

In a git repository (a directory holding ``.git``, a directory or a worktree's file), a path is
ignored as ``git status`` would ignore it, from these sources, highest precedence first:

* the ``.gitignore`` of its directory, then of each parent up to the repository's root (a
  deeper file overrides a shallower one);
* ``.git/info/exclude`` (the common directory's, for a worktree);
* the global excludes file: ``core.excludesFile`` of git's configuration (system, global and the
  repository's, the last one set winning), else ``$XDG_CONFIG_HOME/git/ignore``.

Within one file the last matching pattern decides, and ``!pattern`` re-includes; a directory that
is ignored is not entered, so nothing below it can be re-included (git's rule). Patterns follow
``gitignore(5)``: ``*``, ``?`` and ``[...]`` never match ``/``; ``**/``, ``/**/`` and ``/**``
span directories; a ``/`` other than a trailing one anchors the pattern to its file's directory;
a trailing ``/`` matches directories only. Unlike git, a file that is tracked but matches a
pattern is ignored too (as ruff and ripgrep do): what is ignored does not depend on the index.

Outside a git repository nothing is ignored this way. A nested repository (a directory with its
own ``.git``, a submodule) starts afresh: its parent's ``.gitignore`` files do not apply in it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Final

GIT: Final = ".git"
GITIGNORE: Final = ".gitignore"
_MAX_IGNORE_FILE: Final = 1024 * 1024


@dataclass(frozen=True, slots=True)
class IgnoreFile:
    """The patterns of one ignore file, compiled; ``base`` is the directory (real path) its
    patterns are relative to."""

    base: str
    _files: re.Pattern[str] | None
    _file_negated: tuple[bool, ...]
    _directories: re.Pattern[str] | None
    _directory_negated: tuple[bool, ...]

    def decide(self, relative: str, is_dir: bool) -> bool | None:
        """``True`` ignored, ``False`` re-included (``!``), ``None`` when no pattern matches.
        ``relative`` is the path from ``base``, ``/``-separated."""
        pattern, negated = (
            (self._directories, self._directory_negated)
            if is_dir
            else (self._files, self._file_negated)
        )
        if pattern is None:
            return None
        match = pattern.fullmatch(relative)
        if match is None or match.lastindex is None:
            return None
        return not negated[match.lastindex - 1]


def parse_ignore_file(text: str, base: str) -> IgnoreFile:
    """The patterns of an ignore file's text, relative to ``base``."""
    rules = [rule for line in text.splitlines() if (rule := _rule(line)) is not None]
    # The last matching pattern decides: the alternatives are tried from the last one.
    rules.reverse()
    files = [(expression, negated) for expression, negated, dir_only in rules if not dir_only]
    directories = [(expression, negated) for expression, negated, _ in rules]
    return IgnoreFile(base, *_alternatives(files), *_alternatives(directories))


def _alternatives(
    rules: list[tuple[str, bool]],
) -> tuple[re.Pattern[str] | None, tuple[bool, ...]]:
    if not rules:
        return None, ()
    expression = "|".join(f"({expression})" for expression, _ in rules)
    return re.compile(expression, re.DOTALL), tuple(negated for _, negated in rules)


def _rule(line: str) -> tuple[str, bool, bool] | None:
    """(regular expression, negated, directories only) of one line; ``None`` for none."""
    line = line.rstrip("\r")
    line = _without_trailing_spaces(line)
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated or line.startswith(("\\!", "\\#")):
        line = line[1:]
    dir_only = line.endswith("/") and not line.endswith("\\/")
    line = line.rstrip("/") if dir_only else line
    if not line:
        return None
    anchored = "/" in line
    line = line.removeprefix("/")
    expression = _translate(line)
    if not anchored:
        expression = "(?:.*/)?" + expression
    return expression, negated, dir_only


def _without_trailing_spaces(line: str) -> str:
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        # ``foo\ `` keeps its escaped space (and only that one).
        return stripped[:-1] + " "
    return stripped


def _translate(pattern: str) -> str:
    """``gitignore(5)`` wildmatch, where ``*``, ``?`` and classes never match ``/``."""
    out: list[str] = []
    index = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "*" and pattern.startswith("**", index):
            before = index == 0 or pattern[index - 1] == "/"
            after = index + 2 == length or pattern[index + 2] == "/"
            if before and after:
                if index + 2 == length:  # ``abc/**``: everything inside
                    out.append(".*")
                    index += 2
                else:  # ``**/`` or ``a/**/b``: any number of directories, none included
                    out.append("(?:.*/)?")
                    index += 3
                continue
            while index < length and pattern[index] == "*":
                index += 1
            out.append("[^/]*")
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = _class_end(pattern, index)
            if end is None:
                out.append(re.escape(char))
            else:
                out.append(_class(pattern[index + 1 : end]))
                index = end
        elif char == "\\" and index + 1 < length:
            index += 1
            out.append(re.escape(pattern[index]))
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int | None:
    """The index of the ``]`` closing the class opened at ``start``."""
    index = start + 1
    if index < len(pattern) and pattern[index] in "!^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1  # a leading ``]`` is a member
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
            continue
        if pattern[index] == "]":
            return index
        index += 1
    return None


def _class(body: str) -> str:
    negated = body[:1] in ("!", "^")
    if negated:
        body = body[1:]
    members: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            index += 1
            members.append(re.escape(body[index]))
        elif char == "-" and members and index + 1 < len(body):
            members.append("-")
        else:
            members.append(re.escape(char))
        index += 1
    # A class never matches the separator.
    return f"(?!/)[{'^' if negated else ''}{''.join(members)}]"


# ---------------------------------------------------------------------------------------------
# Where the ignore files are.


def git_dirs(root: str) -> tuple[str, str] | None:
    """The git directory and common directory of the repository whose work tree is ``root``
    (a ``.git`` directory, or a worktree's or submodule's ``.git`` file naming it)."""
    dot_git = os.path.join(root, GIT)
    if os.path.isdir(dot_git):
        git_dir = dot_git
    else:
        try:
            with open(dot_git, encoding="utf-8") as file:
                first = file.readline(4096).strip()
        except (OSError, UnicodeDecodeError):
            return None
        if not first.startswith("gitdir:"):
            return None
        git_dir = os.path.normpath(os.path.join(root, first[7:].strip()))
    common = git_dir
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as file:
            common = os.path.normpath(os.path.join(git_dir, file.readline(4096).strip()))
    except (OSError, UnicodeDecodeError):
        pass
    return git_dir, common


def _config_files(common_dir: str) -> list[str]:
    """git's configuration files, lowest precedence first (system, global, the repository's)."""
    files: list[str] = []
    if not os.environ.get("GIT_CONFIG_NOSYSTEM"):
        files.append(os.environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig")
    global_file = os.environ.get("GIT_CONFIG_GLOBAL")
    if global_file is not None:
        files.append(global_file)
    else:
        files.append(os.path.join(_xdg_config_home(), "git", "config"))
        files.append(os.path.expanduser("~/.gitconfig"))
    files.append(os.path.join(common_dir, "config"))
    return files


def _xdg_config_home() -> str:
    return os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")


_SECTION = r"^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+\"(?:[^\"\\]|\\.)*\")?\s*\]\s*(.*)$"
_VARIABLE = r"^\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$"


def excludes_file_setting(config_text: str) -> str | None:
    """``core.excludesFile`` as one git configuration file sets it (the last one), unquoted;
    ``None`` when it does not. ``include`` directives are not followed."""
    section = ""
    found: str | None = None
    for raw in config_text.splitlines():
        line = raw
        header = re.compile(_SECTION).match(line)
        if header is not None:
            section = header.group(1).lower()
            line = header.group(2)
            if not line.strip():
                continue
        variable = re.compile(_VARIABLE).match(line)
        if variable is None or section != "core" or variable.group(1).lower() != "excludesfile":
            continue
        found = _config_value(variable.group(2) or "")
    return found


def _config_value(raw: str) -> str:
    out: list[str] = []
    quoted = False
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == '"':
            quoted = not quoted
        elif char == "\\" and index + 1 < len(raw):
            index += 1
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(raw[index], raw[index]))
        elif char in "#;" and not quoted:
            break
        else:
            out.append(char)
        index += 1
    return "".join(out).strip()


def global_excludes_file(common_dir: str) -> str | None:
    """The global excludes file git uses in the repository whose common directory is given."""
    setting: str | None = None
    for config in _config_files(common_dir):
        text = _read(config)
        if text is not None and (value := excludes_file_setting(text)) is not None:
            setting = value
    if setting is not None:
        return os.path.expanduser(setting) if setting else None
    return os.path.join(_xdg_config_home(), "git", "ignore")


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as file:
            data = file.read(_MAX_IGNORE_FILE + 1)
    except OSError:
        return None
    if len(data) > _MAX_IGNORE_FILE:
        return None  # not an ignore file anyone wrote by hand; git would not read it either
    return data.decode("utf-8", "surrogateescape")


# ---------------------------------------------------------------------------------------------
# The rules in force in each directory.


Chain = tuple[IgnoreFile, ...]
"""The ignore files in force in a directory, lowest precedence first."""


@dataclass(slots=True)
class GitIgnores:
    """The ignore rules of every directory asked about, each ignore file read once per run."""

    _chains: dict[str, Chain | None] = field(default_factory=dict)
    _roots: dict[str, str | None] = field(default_factory=dict)

    def chain(self, directory: str, names: frozenset[str] | None = None) -> Chain | None:
        """The rules in force in ``directory`` (a real path); ``None`` outside a repository.
        ``names`` are the directory's entries when the caller listed it (saves the lookups)."""
        if directory in self._chains:
            return self._chains[directory]
        has_git = (GIT in names) if names is not None else _exists(directory, GIT)
        chain: Chain | None
        if has_git:
            chain = self._repository_chain(directory)
        else:
            parent = os.path.dirname(directory)
            chain = None if parent == directory else self.chain(parent)
        if chain is not None:
            has_ignore = (
                (GITIGNORE in names) if names is not None else _exists(directory, GITIGNORE)
            )
            if has_ignore:
                text = _read(os.path.join(directory, GITIGNORE))
                if text is not None:
                    chain = (*chain, parse_ignore_file(text, directory))
        self._chains[directory] = chain
        return chain

    def _repository_chain(self, root: str) -> Chain:
        dirs = git_dirs(root)
        if dirs is None:
            return ()
        files: list[IgnoreFile] = []
        for path in (global_excludes_file(dirs[1]), os.path.join(dirs[1], "info", "exclude")):
            text = _read(path) if path else None
            if text is not None:
                files.append(parse_ignore_file(text, root))
        return tuple(files)

    def ignored_in(self, chain: Chain | None, path: str, *, is_dir: bool) -> bool:
        """Whether ``path`` (real, absolute), an entry of the directory whose chain is given,
        is ignored."""
        if not chain:
            return False
        for ignore_file in reversed(chain):
            relative = path[len(ignore_file.base) :].lstrip(os.sep)
            if os.sep != "/":
                relative = relative.replace(os.sep, "/")
            decision = ignore_file.decide(relative, is_dir)
            if decision is not None:
                return decision
        return False

    def ignored(self, path: str, *, is_dir: bool) -> bool:
        """Whether ``path`` (real, absolute) or a directory above it in its repository is
        ignored: for a path named on the command line, which no walk reached."""
        parent = os.path.dirname(path)
        if parent == path:
            return False
        chain = self.chain(parent)
        if chain is None:
            return False
        if not _exists(parent, GIT) and self.ignored(parent, is_dir=True):
            return True
        return self.ignored_in(chain, path, is_dir=is_dir)

    def root_of(self, directory: str) -> str | None:
        """The work tree root of the repository holding ``directory`` (a real path)."""
        if directory in self._roots:
            return self._roots[directory]
        if _exists(directory, GIT):
            root: str | None = directory
        else:
            parent = os.path.dirname(directory)
            root = None if parent == directory else self.root_of(parent)
        self._roots[directory] = root
        return root


def _exists(directory: str, name: str) -> bool:
    return os.path.lexists(os.path.join(directory, name))
