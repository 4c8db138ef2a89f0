"""Discovery: which files a run checks.

Directories are walked recursively (in sorted order, so output is stable); a file found there is
a candidate when its name matches a source format. Files named on the command line are always
candidates, unless ``--force-exclude`` applies the exclusions to them too (as ruff does, for
pre-commit, which names every file).

What is left out of a walk, as ruff leaves it out:

* paths matching ``exclude`` (by default version control, virtualenvs, caches and dependency
  folders) or ``extend-exclude`` (:mod:`ecs_lint.globs`), each directory by the configuration
  that applies there (``Settings.for_path``);
* with ``respect-gitignore`` (the default), what git ignores (:mod:`ecs_lint.gitignore`), read
  from the ignore files as the walk meets them: no ``git`` process;
* a directory excluded or ignored is not entered.

With ``--force-exclude`` a file named on the command line is taken as a walk would take it: the
exclusions apply to it, and so does the rest of a walk's judgement (a name no format knows, or a
``.json`` file too large to read, is passed over, not claimed by content or reported).

Symbolic links are not followed out of the tree being linted, so a link committed to a repository
cannot make ecs-lint read (and quote) a file elsewhere on the machine, such as a CI runner's
credentials:

* in a directory walk, a linked file is read only when its target lies inside the directory given
  on the command line; linked directories are never descended (a link to a directory inside the
  tree would only list the same files twice, and a link to a parent would loop);
* a path named on the command line that is itself a symbolic link is followed only when its
  target lies inside the working directory; otherwise it is reported (EL900) and not read. A
  named path that is not a link is read wherever it is: naming it is the user's choice.

A linked file is one file: it is checked once, and reported under its real path (in the form the
path was given in: relative, or absolute), whichever name the walk met first.

What cannot be read is reported (a parse problem), never skipped in silence nor the end of the
run: a named path that does not exist, a directory that cannot be listed, a link that loops, a
named path the system refuses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.gitignore import GitIgnores
from ecs_lint.globs import GlobSet
from ecs_lint.sources import is_candidate_name

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.gitignore import Chain
    from ecs_lint.settings import Settings

ALWAYS_SKIPPED = frozenset({".git", ".hg", ".svn"})
"""Version-control directories: never content, whatever ``exclude`` says."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file a walk or the command line offers for linting, with its real path."""

    path: Path
    display: str
    explicit: bool
    refused: str | None = None
    """Why the path must not or cannot be read (a link out of the tree, a link loop, a directory
    that cannot be listed): reported instead of read."""
    real: str = ""
    """Its real path (links resolved), which names it once however it was reached."""
    top: str = ""
    """The real path of the directory named on the command line that holds it (a file named
    itself: its directory)."""
    missing: bool = False
    """A path named on the command line that does not exist (``refused`` says so)."""


OUTSIDE_LINK = (
    "symbolic link to a path outside the working directory; not followed "
    "(name the target itself to lint it)"
)


def discover(paths: list[str], settings: Settings) -> list[Candidate]:
    """Every candidate file under ``paths``, each once, in a stable order."""
    return Discovery(settings).named(paths)


@dataclass(slots=True)
class Discovery:
    """Walks and exclusion checks for one run: each ignore file and configuration is read once,
    each set of exclusions compiled once."""

    settings: Settings
    gitignores: GitIgnores = field(default_factory=GitIgnores)
    _globs: dict[int, tuple[Settings, GlobSet]] = field(default_factory=dict)
    _walked: list[str] = field(default_factory=list)
    """The real paths of the directories named on the command line and walked under that
    name (no link on the way, so a walk of the real path would find the same files)."""
    named_directories: set[str] = field(default_factory=set)
    """The real paths of the directories named on the command line."""
    _cwd: tuple[str, str] = ("", "")

    def named(self, paths: list[str]) -> list[Candidate]:
        """The candidates of the paths named on the command line, each file once."""
        seen: set[str] = set()
        found: list[Candidate] = []
        for given in paths:
            for candidate in self._named(given):
                if candidate.real not in seen:
                    seen.add(candidate.real)
                    found.append(candidate)
        return found

    def walked(self, directory: str) -> bool:
        """Whether ``directory`` (a real path) lies in a directory the run walked whole: a walk
        of it finds only candidates ``named`` found."""
        return any(_inside(directory, top) for top in self._walked)

    def walk(self, directory: str, *, below: bool = True) -> list[Candidate]:
        """The candidates under ``directory`` (a real path), as a walk of it finds them, named
        relative to the working directory when they are inside it: the files of a repository
        read for the context of the files linted. Without ``below``, only the directory's own
        files."""
        return list(self._walk(Path(_shown(directory, self._real_cwd())), directory, below=below))

    def _real_cwd(self) -> str:
        """The working directory's real path, resolved once per run (a repository's walk
        names its files relative to it)."""
        cwd = os.getcwd()
        if self._cwd[0] != cwd:
            self._cwd = (cwd, os.path.realpath(cwd))
        return self._cwd[1]

    def _named(self, given: str) -> Iterator[Candidate]:
        """The candidates a path named on the command line stands for."""
        root = Path(given)
        try:
            root.stat()
        except (FileNotFoundError, NotADirectoryError):
            # Reported as that path's problem: the other paths are still linted.
            missing = f"path '{given}' does not exist"
            yield Candidate(root, given, True, refused=missing, real=given, missing=True)
            return
        except OSError as error:  # a link loop, a path too long, a directory we may not search
            yield _refused(given, f"cannot open: {_reason(error)}; not read", given, explicit=True)
            return
        real = os.path.realpath(root)
        if root.is_symlink() and not _inside(real, os.path.realpath(Path.cwd())):
            yield Candidate(root, given, explicit=True, refused=OUTSIDE_LINK, real=given)
            return
        is_dir = root.is_dir()
        if self.settings.force_exclude and self.excluded(given, real, is_dir=is_dir):
            return
        if is_dir:
            self.named_directories.add(real)
            if os.path.abspath(given) == real:
                self._walked.append(real)
            yield from self._walk(root, real)
        else:
            display = _as_given(given, real) if root.is_symlink() else given
            top = os.path.dirname(real)
            # With --force-exclude a named file is taken as a walk takes it (pre-commit names
            # every file): a file no format claims by name, or one that cannot be read and is
            # not named like a format, is passed over as `ecs-lint .` passes it over.
            explicit = not self.settings.force_exclude
            yield Candidate(Path(display), display, explicit=explicit, real=real, top=top)

    def excluded(self, path: str, real: str, *, is_dir: bool) -> bool:
        """Whether a path named on the command line is excluded (``--force-exclude``): it, or a
        directory above it within its project, matches an exclusion, or git ignores it."""
        absolute = os.path.abspath(path)
        top = _project_top(absolute, self.gitignores)
        current = absolute
        while current != top:
            parent = os.path.dirname(current)
            if parent == current:
                break
            name = os.path.basename(current)
            exclusions = self._exclusions(self.settings.for_path(parent, is_dir=True))
            if name in ALWAYS_SKIPPED or exclusions.matches(current, name):
                return True
            current = parent
        return self.settings.respect_gitignore and self.gitignores.ignored(real, is_dir=is_dir)

    def _exclusions(self, settings: Settings) -> GlobSet:
        cached = self._globs.get(id(settings))
        if cached is None:
            cached = (settings, GlobSet(settings.exclusions))
            self._globs[id(settings)] = cached
        return cached[1]

    def _walk(self, root: Path, top: str, *, below: bool = True) -> Iterator[Candidate]:
        """Candidates under ``root`` (whose real path is ``top``), depth first in sorted order.

        ``os.scandir`` tells links and directories apart from the directory listing itself, and
        the real path of a file that is not a link is its directory's real path plus its name
        (linked directories are never entered), so only links cost a system call each. A
        directory that cannot be listed and a link that cannot be followed (a loop) are
        candidates refused with the reason, so the run reports them instead of stopping or
        saying nothing.
        """
        respect_gitignore = self.settings.respect_gitignore
        pending = [(str(root), top)]
        while pending:
            directory, real_directory = pending.pop()
            try:
                entries = _listing(directory)
            except FileNotFoundError:
                continue  # removed since its parent was listed
            except OSError as error:
                message = f"cannot read directory: {_reason(error)}; its files were not checked"
                display = os.path.normpath(directory)
                yield _refused(display, message, real_directory)
                continue
            names = frozenset(entry.name for entry in entries)
            absolute = os.path.abspath(directory)
            configurations = self.settings.configurations
            settings = (
                configurations.for_directory(self.settings, absolute, names)
                if configurations is not None
                else self.settings
            )
            exclusions = self._exclusions(settings)
            chain = self.gitignores.chain(real_directory, names) if respect_gitignore else None
            # Each entry's paths are its directory's plus its name: string joins, without a
            # path function's work for every file of a large tree.
            in_absolute, in_real = _prefix(absolute), _prefix(real_directory)
            in_display = _prefix(os.path.normpath(directory))
            subdirectories = []
            for entry in entries:
                name = entry.name
                if entry.is_dir(follow_symlinks=False):
                    if name in ALWAYS_SKIPPED or not below:
                        continue
                    real = in_real + name
                    if self._leaves_out(
                        exclusions, chain, in_absolute + name, name, real, is_dir=True
                    ):
                        continue
                    subdirectories.append((entry.path, real))
                elif is_candidate_name(name):
                    real = in_real + name
                    found = self._candidate(entry, root, real, in_display + name, top)
                    if found is None:
                        continue
                    if found.refused is None and self._leaves_out(
                        exclusions, chain, in_absolute + name, name, real, is_dir=False
                    ):
                        continue
                    yield found
            pending.extend(reversed(subdirectories))

    def _leaves_out(
        self,
        exclusions: GlobSet,
        chain: Chain | None,
        absolute: str,
        name: str,
        real: str,
        *,
        is_dir: bool,
    ) -> bool:
        if exclusions.matches(absolute, name):
            return True
        return self.gitignores.ignored_in(chain, real, is_dir=is_dir)

    def _candidate(
        self, entry: os.DirEntry[str], root: Path, real: str, display: str, top: str
    ) -> Candidate | None:
        """The candidate a file named like one of ours stands for (``real``: its real path if
        it is no link; ``display``: its path as found); ``None`` for a link to a directory or
        out of the tree."""
        if not entry.is_symlink():
            return Candidate(Path(entry.path), display, False, real=real, top=top)
        try:
            linked_directory = entry.is_dir()
        except OSError as error:  # a link loop, or a target we may not look at
            message = f"cannot follow symbolic link: {_reason(error)}; not read"
            return _refused(display, message, display)
        real_path = os.path.realpath(entry.path)
        if linked_directory or not _inside(real_path, top):
            return None
        # Reported under its real path, in the walk's terms: the same name whichever of its
        # names the walk meets first.
        shown = os.path.normpath(os.path.join(root, os.path.relpath(real_path, top)))
        return Candidate(Path(shown), shown, False, real=real_path, top=top)


def _listing(directory: str) -> list[os.DirEntry[str]]:
    with os.scandir(directory) as listing:
        return sorted(listing, key=lambda entry: entry.name)


def _refused(display: str, message: str, real: str, *, explicit: bool = False) -> Candidate:
    return Candidate(Path(display), display, explicit, refused=message, real=real)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _prefix(directory: str) -> str:
    """What a name is appended to for a path in ``directory`` (normalised: only a root ends
    with a separator): nothing for the current directory, else the directory and a separator."""
    if directory == os.curdir:
        return ""
    return directory if directory.endswith(os.sep) else directory + os.sep


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _as_given(given: str, real: str) -> str:
    """A linked file's real path, absolute when it was named so, else relative."""
    if os.path.isabs(given):
        return real
    return _shown(real, os.path.realpath(os.getcwd()))


def _shown(real: str, cwd: str) -> str:
    """How a path found by ecs-lint itself is named: relative to the working directory
    (``cwd``, its real path) when inside it, else absolute."""
    if _inside(real, cwd):
        return os.path.relpath(real, cwd)
    return real


def _project_top(absolute: str, gitignores: GitIgnores) -> str:
    """The directory whose own name no exclusion of ``absolute`` looks at (only the names
    below it count): its repository's root, else the working directory when it is inside it,
    else its own directory."""
    real = os.path.realpath(absolute)
    root = gitignores.root_of(os.path.dirname(real))
    if root is not None:
        # The same directory in the path as given: as many levels up as in the real path.
        top = absolute
        for _ in os.path.relpath(real, root).split(os.sep):
            top = os.path.dirname(top)
        return top
    cwd = os.getcwd()
    if _inside(absolute, cwd) and absolute != cwd:
        return cwd
    return os.path.dirname(absolute)
