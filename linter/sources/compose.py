"""Docker Compose files: every service's ``image``, and the Dockerfile each ``build:`` uses.

Values are interpolated as Compose does: ``$VAR``, ``${VAR}``, ``${VAR:-default}`` (default when
unset or empty), ``${VAR-default}`` (when unset), ``${VAR:+alt}``/``${VAR+alt}``,
``${VAR:?message}``/``${VAR?message}``, defaults that themselves use variables, and ``$$`` for a
literal ``$``. Variables come from ``--env NAME=VALUE`` and then from the ``.env`` file beside the
compose file, never from ecs-lint's own environment, so a run means the same on every machine. A
reference that needs a variable with no value is unresolved (EL103), never guessed.

A service's ``image`` is pulled unless its ``pull_policy`` is ``build`` or ``never``; with
``build:`` and no policy Compose still tries to pull it first, so it is checked too, and
``pull_policy: build`` is named as the way to do without that pull.

A service with ``build:`` (a context string, or a mapping with ``context``, ``dockerfile``,
``args`` and ``additional_contexts``, each of the last two a mapping or a ``NAME=VALUE`` list)
asks the engine to lint that Dockerfile with the service's build args and named build contexts
(a ``LintRequest``): the engine does the reading, lints the file once per distinct set of
values, and that lint replaces the plain one a directory walk gives the same file, so its images
are not reported twice. Remote build contexts (Git URLs) are not followed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ecs_lint import yamlpos
from ecs_lint.model import (
    Document,
    LintRequest,
    Problem,
    ProblemKind,
    Span,
    UnresolvedRef,
    UseKind,
)
from ecs_lint.references import resolve_reference
from ecs_lint.sources._yamlsource import ImageCollector, file_statements, load
from ecs_lint.textio import UnreadableFile, read_source

if TYPE_CHECKING:
    from yaml.nodes import Node

    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText
    from ecs_lint.yamlpos import Entry, YamlDocument

ENV_FILE: Final = ".env"
DEFAULT_DOCKERFILE: Final = "Dockerfile"
NO_PULL: Final = frozenset({"build", "never"})
BUILT_HERE: Final = "set pull_policy: build (the service builds this image)"
"""``pull_policy`` values under which Compose never pulls the service's ``image``."""
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_BRACED: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])(.*))?", re.ASCII | re.DOTALL)
_REMOTE_CONTEXT: Final = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)
_MAX_NESTING: Final = 16


class InterpolationError(ValueError):
    """Text Compose itself would refuse to interpolate (``${`` left open, ``${1}``...)."""


class Interpolator:
    """Compose's variable interpolation over a fixed set of known values.

    Unknown variables expand to nothing (as Compose does, with a warning) and are recorded in
    ``unresolved``, so the caller can tell a real value from a guess.
    """

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.unresolved: dict[str, None] = {}

    def expand(self, text: str, depth: int = 0) -> str:
        if depth > _MAX_NESTING:
            raise InterpolationError("variables nested too deeply")
        out: list[str] = []
        index = 0
        while index < len(text):
            dollar = text.find("$", index)
            if dollar < 0:
                out.append(text[index:])
                break
            out.append(text[index:dollar])
            following = text[dollar + 1 : dollar + 2]
            if following == "$":
                out.append("$")
                index = dollar + 2
            elif following == "{":
                close = _closing_brace(text, dollar + 2)
                out.append(self._braced(text[dollar + 2 : close], depth))
                index = close + 1
            elif (name := _NAME.match(text, dollar + 1)) is not None:
                out.append(self._lookup(name.group()))
                index = name.end()
            else:
                out.append("$")
                index = dollar + 1
        return "".join(out)

    def _braced(self, body: str, depth: int) -> str:
        match = _BRACED.fullmatch(body)
        if match is None:
            raise InterpolationError(f"invalid interpolation format for '${{{body}}}'")
        name, operator, argument = match.group(1), match.group(2), match.group(3) or ""
        if operator is None:
            return self._lookup(name)
        value = self.values.get(name)
        missing = value is None or (operator.startswith(":") and value == "")
        if operator.endswith("-"):
            return self.expand(argument, depth + 1) if missing or value is None else value
        if operator.endswith("+"):
            return "" if missing else self.expand(argument, depth + 1)
        # ``?``: Compose stops with the message when the variable is missing.
        if missing or value is None:
            self.unresolved[name] = None
            return ""
        return value

    def _lookup(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            self.unresolved[name] = None
            return ""
        return value


def _closing_brace(text: str, start: int) -> int:
    """The index of the ``}`` closing a ``${`` whose body starts at ``start``."""
    depth = 1
    index = start
    while index < len(text):
        char = text[index]
        if char == "$" and text[index + 1 : index + 2] == "{":
            depth += 1
            index += 2
            continue
        if char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise InterpolationError("'${' is never closed")


def parse(source: SourceText, settings: Settings) -> Document:
    """Every service image in the compose file ``source``; never raises."""
    document = Document(source.path)
    documents = load(source, document)
    if not documents:
        return document
    ydoc = documents[0]
    values = {**_env_file(source, document, settings.max_file_size), **settings.env}
    reader = _Reader(ImageCollector(source, document), values)
    for entry in yamlpos.entries(yamlpos.get_value(ydoc.root, "services")):
        reader.service(ydoc, entry)
    return reader.images.finish([ydoc])


class _Reader:
    def __init__(self, images: ImageCollector, values: dict[str, str]) -> None:
        self.images = images
        self.values = values

    @property
    def source(self) -> SourceText:
        return self.images.source

    def interpolate(self, text: str) -> tuple[str, tuple[str, ...]]:
        """The value of ``text`` and the variables it needed that have no value."""
        interpolator = Interpolator(self.values)
        value = interpolator.expand(text)
        return value, tuple(interpolator.unresolved)

    def service(self, ydoc: YamlDocument, entry: Entry) -> None:
        name = entry.key.value
        image = yamlpos.get(entry.value, "image")
        policy = yamlpos.text(yamlpos.get_value(entry.value, "pull_policy"))
        build = yamlpos.get(entry.value, "build")
        builds = build is not None and not yamlpos.is_null(build.value)
        if image is not None and not yamlpos.is_null(image.value) and policy not in NO_PULL:
            # Compose tries the pull first when no policy says otherwise; the image it builds
            # needs none.
            avoid = BUILT_HERE if builds and policy is None else ""
            self._image(ydoc, image, name, avoid)
        if build is not None and builds:
            self._build(build, name)

    def _image(self, ydoc: YamlDocument, entry: Entry, service: str, avoid: str) -> None:
        raw = yamlpos.text(entry.value)
        if raw is None:
            return
        try:
            value, unresolved = self.interpolate(raw)
        except InterpolationError as error:
            self._problem(entry.value, f"service '{service}': {error}")
            return
        reference = UnresolvedRef(raw, unresolved) if unresolved else resolve_reference(value)
        self.images.add(
            ydoc,
            entry,
            UseKind.SERVICE,
            "run docker login on the hosts that pull it",
            values_hint="pass --env NAME=VALUE or set it in the .env file beside the compose file",
            avoid_hint=avoid,
            reference=reference,
            editable="$" not in raw,  # a fix must not replace variables with a literal
            container=service,
        )

    def _build(self, entry: Entry, service: str) -> None:
        build = entry.value
        if yamlpos.is_mapping(build):
            context_node = yamlpos.get_value(build, "context")
            dockerfile_node = yamlpos.get_value(build, "dockerfile")
            if yamlpos.get_value(build, "dockerfile_inline") is not None:
                return  # the Dockerfile is in this file; not linted yet
        else:
            context_node, dockerfile_node = build, None
        try:
            context, context_missing = self.interpolate(yamlpos.text(context_node) or ".")
            dockerfile, dockerfile_missing = self.interpolate(
                yamlpos.text(dockerfile_node) or DEFAULT_DOCKERFILE
            )
            args = self._build_args(yamlpos.get_value(build, "args"))
            contexts = self._build_contexts(yamlpos.get_value(build, "additional_contexts"))
        except InterpolationError as error:
            self._problem(build, f"service '{service}': {error}")
            return
        if context_missing or dockerfile_missing or _REMOTE_CONTEXT.match(context):
            return
        path = os.path.normpath(Path(self.source.path).parent / context / dockerfile)
        at = self.source.span(*yamlpos.node_span(entry.key, self.source.text))
        request = LintRequest(path, args, at, contexts, f"compose service '{service}'")
        self.images.document.lint_requests.append(request)

    def _build_args(self, node: Node | None) -> tuple[tuple[str, str], ...]:
        """``build.args`` with values interpolated; args with no known value are left out."""
        args: list[tuple[str, str]] = []
        for name, value in _pairs(node):
            if not name:
                continue
            if value is None:  # ``- NAME`` or ``NAME:``: the value comes from the environment
                known = self.values.get(name)
                if known is not None:
                    args.append((name, known))
                continue
            expanded, unresolved = self.interpolate(value)
            if not unresolved:
                args.append((name, expanded))
        return tuple(args)

    def _build_contexts(self, node: Node | None) -> tuple[tuple[str, str], ...]:
        """``build.additional_contexts``: named build contexts, values interpolated. A value
        that needs a variable with no value keeps its text: the name is still a context."""
        contexts: list[tuple[str, str]] = []
        for name, value in _pairs(node):
            if name and value is not None:
                expanded, unresolved = self.interpolate(value)
                contexts.append((name, value if unresolved else expanded))
        return tuple(contexts)

    def _problem(self, node: Node, message: str) -> None:
        span = self.source.span(*yamlpos.node_span(node, self.source.text))
        self.images.document.problems.append(Problem(ProblemKind.PARSE, message, span))


def _pairs(node: Node | None) -> list[tuple[str, str | None]]:
    """A mapping's entries, or a ``NAME=VALUE`` list's items (``None``: a bare ``NAME``)."""
    if yamlpos.is_mapping(node):
        return [(entry.key.value, yamlpos.text(entry.value)) for entry in yamlpos.entries(node)]
    pairs: list[tuple[str, str | None]] = []
    for item in yamlpos.items(node):
        name, sep, text = (yamlpos.text(item) or "").partition("=")
        pairs.append((name.strip(), text if sep else None))
    return pairs


def _env_file(source: SourceText, document: Document, limit: int) -> dict[str, str]:
    """Variables from the ``.env`` file beside the compose file (none when it has none)."""
    path = Path(source.path).parent / ENV_FILE
    if not path.is_file():
        return {}
    display = os.path.normpath(path)
    if path.is_symlink() and not _inside(path.resolve(), path.parent):
        # As for linted files: a link committed beside the compose file must not make ecs-lint
        # read (and quote, in interpolated images) a file elsewhere on the machine.
        span = Span(display, 1, 1, 1, 2)
        message = f"{ENV_FILE}: symbolic link to a path outside the project; not followed"
        document.problems.append(Problem(ProblemKind.PARSE, message, span))
        return {}
    try:
        env = read_source(path, display, limit)
    except UnreadableFile as error:
        span = Span(display, error.line, error.column, error.line, error.column + 1)
        document.problems.append(Problem(ProblemKind.PARSE, f"{ENV_FILE}: {error.message}", span))
        return {}
    return parse_env_file(env.text)


def _inside(target: Path, directory: Path) -> bool:
    """Whether ``target`` lies in ``directory`` or the working directory (resolved)."""
    roots = (directory.resolve(), Path.cwd().resolve())
    return any(target.is_relative_to(root) for root in roots)


def parse_env_file(text: str) -> dict[str, str]:
    """``NAME=VALUE`` lines as Compose reads them; lines it would reject are skipped.

    ``export`` prefixes and ``#`` comments are allowed; a single-quoted value is literal, a
    double-quoted one knows ``\\n``, ``\\t``, ``\\\\`` and ``\\"`` and, like an unquoted one, may
    use the variables defined above it. An unquoted value ends at `` #``.
    """
    values: dict[str, str] = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export ") or line.startswith("export\t"):
            line = line[7:].lstrip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or _NAME.fullmatch(name) is None:
            continue
        value = value.strip()
        try:
            values[name] = _env_value(value, values)
        except InterpolationError:
            continue
    return values


def _env_value(value: str, known: dict[str, str]) -> str:
    if len(value) >= 2 and value[0] == "'" and value.endswith("'"):
        return value[1:-1]
    if len(value) >= 2 and value[0] == '"' and value.endswith('"'):
        unescaped = re.sub(r"\\(.)", _unescape, value[1:-1])
        return Interpolator(known).expand(unescaped)
    comment = re.search(r"\s#", value)
    if comment is not None:
        value = value[: comment.start()].rstrip()
    return Interpolator(known).expand(value)


def _unescape(match: re.Match[str]) -> str:
    char = match.group(1)
    return {"n": "\n", "t": "\t", "r": "\r"}.get(char, char)


statements = file_statements
"""Where ignore comments may go, found on demand (``SourceFormat.statements``)."""
