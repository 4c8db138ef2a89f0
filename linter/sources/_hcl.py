"""Terraform ``.tf`` files, parsed with python-hcl2 and evaluated as far as literal values go.

python-hcl2 (imported only here, when a ``.tf`` file is linted) parses HCL into a Lark tree whose
every node knows its offsets, so values keep exact spans. This module evaluates what ecs-lint
needs statically:

* literals, lists, objects, strings with ``${...}`` (a reference becomes a hole labelled with
  its text: ``${var.tag}``, ``${aws_iam_role.exec.arn}``), heredocs (``<<EOT``, ``<<-EOT``);
* ``jsonencode(...)`` of such values, ``file("containers.json")`` and
  ``file("${path.module}/containers.json")`` (read only inside the module's directory or the
  working directory), ``tostring``, ``lower``, ``upper``, ``trimspace``, ``join``, ``concat``,
  ``format`` with ``%s``/``%d``;
* ``data "aws_iam_policy_document"`` blocks referenced by ``.json``, and the names of
  repositories, log groups, roles and secrets defined with a literal ``name``;
* a condition (``a ? b : c``) whose test is a literal.

Anything else (variables, locals, ``templatefile``, ``for`` expressions, ``dynamic`` blocks...) is
unknown, never guessed. A module is every ``.tf`` file of a directory, so a role's policies and
attachments may be in sibling files: those are read too (parsed once per run), and each file's
document holds only what that file defines.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast

from ecs_lint.model import Problem, ProblemKind
from ecs_lint.settings import MAX_FILE_SIZE
from ecs_lint.sources._mapped import MappedStr, MappedText
from ecs_lint.sources._values import (
    Hole,
    Mapping,
    Member,
    Opaque,
    Scalar,
    Sequence,
    Str,
    label_text,
)
from ecs_lint.sources.terraform import TfResource
from ecs_lint.textio import UnreadableFile, read_source, unsaved_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from lark import Token, Tree

    from ecs_lint.model import Document, Span
    from ecs_lint.sources._values import Part, Value
    from ecs_lint.textio import SourceText

__all__ = ["read_tf_file"]

MAX_DEPTH: Final = 100
"""Expression nesting evaluated; deeper values are unknown (Python's recursion stays safe)."""
MAX_LABEL: Final = 60
"""Characters of an expression's text used to name an unknown value."""
MAX_MODULE_FILES: Final = 200
"""Sibling ``.tf`` files read to complete a module; beyond that only the file itself is read."""

# Resource types this file's document reads, and those sibling files contribute to its roles.
_OWN_TYPES: Final = frozenset(
    {
        "aws_ecs_task_definition",
        "aws_ecs_service",
        "aws_ecs_express_gateway_service",
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_iam_policy",
        "aws_secretsmanager_secret",
        "aws_ssm_parameter",
    }
)
_SIBLING_TYPES: Final = frozenset({"aws_iam_role_policy", "aws_iam_role_policy_attachment"})
# ``TYPE.NAME.name`` (and ``.id`` where it is the name) resolve to a literal ``name`` argument.
_NAME_ATTRIBUTES: Final = {
    "aws_ecr_repository": ("name",),
    "aws_cloudwatch_log_group": ("name", "id"),
    "aws_iam_role": ("name", "id"),
    "aws_secretsmanager_secret": ("name",),
    "aws_ssm_parameter": ("name",),
}
_SIMPLE_ESCAPES: Final = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_INTERPOLATION: Final = re.compile(r"(\$\$\{)|(%%\{)|\$\{([^}]*)\}|(%\{)")
_FORMAT_VERB: Final = re.compile(r"%(%|[sdv])")
_PATH_LABELS: Final = ("path.module", "path.root")


@dataclass(slots=True, eq=False)
class _Block:
    kind: str
    labels: list[str]
    body: Tree[Token]
    span: Span
    source: SourceText
    own: bool


@dataclass(slots=True, eq=False)
class _ParsedFile:
    source: SourceText
    tree: Tree[Token] | None
    problem: Problem | None = None


_CACHE: dict[str, tuple[tuple[int, int] | str, _ParsedFile]] = {}


def read_tf_file(
    source: SourceText, document: Document, limit: int = MAX_FILE_SIZE
) -> list[TfResource]:
    """The resources of a ``.tf`` file, with its module's other files read for references;
    every file read (those, and ``file()``) is held to ``limit`` bytes (``max-file-size``)."""
    parsed = _parse(source)
    if parsed.problem is not None:
        document.problems.append(parsed.problem)
        return []
    module = _Module(Path(source.path).parent, source, limit)
    module.add(parsed, own=True)
    for sibling in _siblings(source, limit):
        module.add(sibling, own=False)
    return module.resources()


def _parse(source: SourceText) -> _ParsedFile:
    import hcl2  # a Lark grammar: tenths of a second, only when a .tf file is linted
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(source.text)
    except UnexpectedInput as error:
        offset = min(max(error.pos_in_stream or 0, 0), len(source.text))
        if error.pos_in_stream is None or error.pos_in_stream < 0:
            offset = len(source.text)
        span = source.span(offset, min(offset + 1, len(source.text)))
        return _ParsedFile(
            source, None, Problem(ProblemKind.PARSE, f"invalid HCL: {_lark_message(error)}", span)
        )
    except (LarkError, RecursionError, RuntimeError, ValueError) as error:
        span = source.span(0, min(1, len(source.text)))
        message = f"invalid HCL: {type(error).__name__}: {error}".splitlines()[0]
        return _ParsedFile(source, None, Problem(ProblemKind.PARSE, message, span))
    return _ParsedFile(source, tree)


def _lark_message(error: Any) -> str:
    token = getattr(error, "token", None)
    if token is not None and getattr(token, "type", "") == "$END":
        return "unexpected end of input"
    if token is not None:
        return f"unexpected {str(token)[:40]!r}"
    char = getattr(error, "char", None)
    if char is not None:
        return f"unexpected character {char!r}"
    return "unexpected input"


def _siblings(source: SourceText, limit: int) -> list[_ParsedFile]:
    """The other ``.tf`` files of the module (same directory), parsed once per run."""
    path = Path(source.path)
    directory = path.parent
    try:
        names = sorted(p for p in directory.iterdir() if p.suffix == ".tf" and p.name != path.name)
    except OSError:
        return []
    parsed: list[_ParsedFile] = []
    for sibling in names[:MAX_MODULE_FILES]:
        try:
            stat = sibling.stat()
            key = str(sibling.resolve())
            # An editor's unsaved text stands for the file (the language server): it is the stamp.
            unsaved = unsaved_text(sibling)
            stamp = (stat.st_mtime_ns, stat.st_size) if unsaved is None else unsaved
            if stat.st_size > limit:
                continue  # as an unreadable file is: a sibling read earlier is not reused
            cached = _CACHE.get(key)
            if cached is None or cached[0] != stamp:
                display = posixpath.join(posixpath.dirname(source.path), sibling.name)
                cached = (stamp, _parse(read_source(sibling, display, limit)))
                _CACHE[key] = cached
        except (OSError, UnreadableFile):
            continue
        if cached[1].tree is not None:
            parsed.append(cached[1])
    return parsed


# --- Positions in the Lark tree -------------------------------------------------------------


def _is_tree(node: object) -> bool:
    return hasattr(node, "data")


def _offsets(node: Tree[Token] | Token) -> tuple[int, int]:
    if _is_tree(node):
        meta = node.meta  # type: ignore[union-attr]
        if not getattr(meta, "empty", True):
            return meta.start_pos, meta.end_pos
        children = [c for c in node.children if c is not None]  # type: ignore[union-attr]
        if children:
            return _offsets(children[0])[0], _offsets(children[-1])[1]
        return 0, 0
    token: Token = node  # type: ignore[assignment]
    return token.start_pos or 0, token.end_pos or 0


def _trees(node: Tree[Token]) -> list[Tree[Token]]:
    return [cast("Tree[Token]", child) for child in node.children if _is_tree(child)]


def _token_text(node: Tree[Token]) -> str:
    """The text of a rule holding one token (``identifier``, ``int_lit``...)."""
    for child in node.children:
        if not _is_tree(child):
            return str(child)
    return ""


# --- The module ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Module:
    directory: Path
    source: SourceText
    limit: int
    blocks: list[_Block] = field(default_factory=list)
    _data_documents: dict[str, Value] = field(default_factory=dict)
    _literal_names: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def add(self, parsed: _ParsedFile, *, own: bool) -> None:
        assert parsed.tree is not None
        body = next((child for child in _trees(parsed.tree) if child.data == "body"), None)
        for node in _trees(body) if body is not None else []:
            if node.data != "block":
                continue
            kind, labels = _block_header(node)
            body_node = next((c for c in _trees(node) if c.data == "body"), None)
            if body_node is None:
                continue
            start, end = _offsets(node)
            span = parsed.source.span(start, end)
            self.blocks.append(_Block(kind, labels, body_node, span, parsed.source, own))

    def find(self, kind: str, labels: list[str]) -> _Block | None:
        for block in self.blocks:
            if block.kind == kind and block.labels == labels:
                return block
        return None

    def resources(self) -> list[TfResource]:
        found = []
        for block in self.blocks:
            if block.kind != "resource" or len(block.labels) != 2:
                continue
            kind, name = block.labels
            if kind not in (_OWN_TYPES if block.own else _SIBLING_TYPES):
                continue
            values = _Evaluator(self, block.source).body(block.body, 0)
            found.append(TfResource(f"{kind}.{name}", kind, values, block.span, None, block.own))
        return found

    def data_document(self, name: str, span: Span, depth: int = 0) -> Value:
        """The policy a ``data "aws_iam_policy_document"`` block builds.

        ``depth`` is the nesting of the expression that names the block, which the block's own
        expressions continue: a chain of blocks built from each other ends as unknown values at
        ``MAX_DEPTH``, as deep nesting does, instead of overflowing Python's stack.
        """
        if name not in self._data_documents:
            self._data_documents[name] = Opaque((f"data.aws_iam_policy_document.{name}",), span)
            block = self.find("data", ["aws_iam_policy_document", name])
            if block is not None:
                values = _Evaluator(self, block.source).body(block.body, depth)
                self._data_documents[name] = _policy_document(values, name, span)
        return self._data_documents[name]

    def literal_name(self, kind: str, name: str, depth: int = 0) -> str | None:
        """The resource's ``name`` when it is a literal; ``None`` when it is not, or when it comes
        from the resource itself (``name = aws_iam_role.a.name`` in ``a``, or a cycle through
        other resources). Each resource is evaluated once; ``depth`` as for ``data_document``."""
        key = (kind, name)
        if key not in self._literal_names:
            self._literal_names[key] = None  # what a reference back to it finds meanwhile
            block = self.find("resource", [kind, name])
            if block is not None:
                found = _Evaluator(self, block.source).body(block.body, depth).get("name")
                if isinstance(found, Str) and found.is_known:
                    self._literal_names[key] = found.value
        return self._literal_names[key]


def _block_header(node: Tree[Token]) -> tuple[str, list[str]]:
    kind = ""
    labels: list[str] = []
    for child in _trees(node):
        if child.data == "body":
            break
        if child.data == "string":
            labels.append("".join(_string_chars(child)))
        elif child.data in ("identifier", "keyword", "literal_value"):
            if not kind:
                kind = _token_text(child)
            else:
                labels.append(_token_text(child))
    return kind, labels


def _string_chars(node: Tree[Token]) -> list[str]:
    return [_token_text(part) for part in _trees(node) if part.data == "string_part"]


def _policy_document(values: Mapping, name: str, span: Span) -> Value:
    """``data "aws_iam_policy_document"`` as the JSON policy it renders."""
    label = f"data.aws_iam_policy_document.{name}"
    for unsupported in ("source_policy_documents", "override_policy_documents", "source_json"):
        if values.get(unsupported) is not None:
            return Opaque((f"{label}.{unsupported}",), span)
    statements: list[Value] = []
    blocks = values.get("statement")
    for block in blocks.items if isinstance(blocks, Sequence) else []:
        if not isinstance(block, Mapping):
            return Opaque((label,), span)
        members: dict[str, Member] = {}

        def put(key: str, value: Value | None, into: dict[str, Member] = members) -> None:
            if value is not None:
                into[key] = Member(key, value.span, value)

        put("Sid", block.get("sid"))
        put("Effect", block.get("effect") or Str.known("Allow", block.span))
        put("Action", block.get("actions"))
        put("NotAction", block.get("not_actions"))
        put("Resource", block.get("resources"))
        put("NotResource", block.get("not_resources"))
        conditions = block.get("condition")
        if isinstance(conditions, Sequence) and conditions.items:
            tests: dict[str, Member] = {}
            for condition in conditions.items:
                test = condition.get("test")
                variable = condition.get("variable")
                if not (isinstance(test, Str) and isinstance(variable, Str)):
                    return Opaque((f"{label} condition",), span)
                inner = tests.get(test.value)
                keys = inner.value if inner is not None else Mapping({}, condition.span)
                assert isinstance(keys, Mapping)
                put(variable.value, condition.get("values"), keys.members)
                tests[test.value] = Member(test.value, condition.span, keys)
            members["Condition"] = Member("Condition", conditions.span, Mapping(tests, span))
        statements.append(Mapping(members, block.span))
    version = values.get("version") or Str.known("2012-10-17", span)
    return Mapping(
        {
            "Version": Member("Version", span, version),
            "Statement": Member("Statement", span, Sequence(statements, span)),
        },
        span,
    )


# --- Expressions ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Evaluator:
    module: _Module
    source: SourceText

    def span(self, node: Tree[Token] | Token) -> Span:
        return self.source.span(*_offsets(node))

    def text_of(self, node: Tree[Token] | Token) -> str:
        start, end = _offsets(node)
        return " ".join(self.source.text[start:end].split())

    def unknown(self, node: Tree[Token] | Token, label: str | None = None) -> Opaque:
        """An unknown value named by ``label``, else by its (shortened) expression text."""
        text = label or self.text_of(node)
        if len(text) > MAX_LABEL:
            text = text[: MAX_LABEL - 1] + "…"
        return Opaque((label_text(text),), self.span(node), text)

    def body(self, node: Tree[Token], depth: int) -> Mapping:
        """A block body: attributes, and nested blocks as lists of objects by block type."""
        members: dict[str, Member] = {}
        for child in _trees(node):
            if child.data == "attribute":
                parts = _trees(child)
                if len(parts) < 2:
                    continue
                key = _token_text(parts[0])
                members[key] = Member(key, self.span(parts[0]), self.expression(parts[-1], depth))
            elif child.data == "block":
                kind, labels = _block_header(child)
                inner = next((c for c in _trees(child) if c.data == "body"), None)
                if inner is None:
                    continue
                if kind == "dynamic" and labels:
                    # Generated blocks: their number and content are not known.
                    members[labels[0]] = Member(labels[0], self.span(child), self.unknown(child))
                    continue
                existing = members.get(kind)
                value = self.body(inner, depth + 1)
                value.at = self.span(child)
                if existing is not None and isinstance(existing.value, Sequence):
                    existing.value.items.append(value)
                else:
                    members[kind] = Member(kind, self.span(child), Sequence([value], value.span))
        return Mapping(members, self.span(node))

    def expression(self, node: Tree[Token], depth: int) -> Value:
        if depth > MAX_DEPTH:
            return self.unknown(node, "nesting too deep")
        kind = node.data
        if kind == "expr_term":
            inner = _trees(node)
            if len(inner) == 1:
                return self.expression(inner[0], depth + 1)
            return self.unknown(node)
        handler = _HANDLERS.get(kind)
        if handler is None:
            return self.unknown(node)
        return handler(self, node, depth + 1)

    def _int(self, node: Tree[Token], depth: int) -> Value:
        return Scalar(int(_token_text(node)), self.span(node))

    def _float(self, node: Tree[Token], depth: int) -> Value:
        return Scalar(float(_token_text(node)), self.span(node))

    def _literal(self, node: Tree[Token], depth: int) -> Value:
        text = _token_text(node)
        value = {"true": True, "false": False, "null": None}.get(text)
        return Scalar(value, self.span(node))

    def _tuple(self, node: Tree[Token], depth: int) -> Value:
        items = [
            self.expression(child, depth + 1)
            for child in _trees(node)
            if child.data != "new_line_or_comment"
        ]
        return Sequence(items, self.span(node))

    def _object(self, node: Tree[Token], depth: int) -> Value:
        members: dict[str, Member] = {}
        for element in _trees(node):
            if element.data != "object_elem":
                continue
            parts = _trees(element)
            if len(parts) < 2:
                continue
            key = self._object_key(parts[0], depth)
            if key is None:
                return self.unknown(node)
            members[key] = Member(key, self.span(parts[0]), self.expression(parts[-1], depth + 1))
        return Mapping(members, self.span(node))

    def _object_key(self, node: Tree[Token], depth: int) -> str | None:
        inner = _trees(node)
        target = inner[0] if inner else node
        while target.data == "expr_term" and len(_trees(target)) == 1:
            target = _trees(target)[0]
        if target.data in ("identifier", "keyword"):
            return _token_text(target)
        if target.data == "string":
            value = self.expression(target, depth + 1)
            return value.value if isinstance(value, Str) and value.is_known else None
        return None

    def _conditional(self, node: Tree[Token], depth: int) -> Value:
        parts = [c for c in _trees(node) if c.data != "new_line_or_comment"]
        if len(parts) != 3:
            return self.unknown(node)
        test = self.expression(parts[0], depth + 1)
        if isinstance(test, Scalar) and isinstance(test.value, bool):
            return self.expression(parts[1] if test.value else parts[2], depth + 1)
        return self.unknown(node)

    def _string(self, node: Tree[Token], depth: int) -> Value:
        start, end = _offsets(node)
        span = self.source.span(start + 1, max(end - 1, start + 1))
        parts: list[Part] = []
        plain = True
        for part in _trees(node):
            if part.data != "string_part":
                continue
            inner = part.children[0] if part.children else None
            if inner is None:
                continue
            if _is_tree(inner):
                tree: Tree[Token] = inner  # type: ignore[assignment]
                if tree.data != "interpolation":
                    return self.unknown(node)  # a %{ if } / %{ for } template directive
                plain = False
                expressions = _trees(tree)
                value = self.expression(expressions[0], depth + 1) if expressions else None
                parts.extend(_as_parts(value, self.text_of(tree)[2:-1].strip()))
                continue
            token_text = str(inner)
            token_type = getattr(inner, "type", "")
            if token_type == "ESCAPED_INTERPOLATION" or token_type == "ESCAPED_DIRECTIVE":
                parts.append(token_text[1:])
                plain = False
            else:
                unescaped = _unescape(token_text)
                plain = plain and unescaped == token_text
                parts.append(unescaped)
        merged = _concat(parts)
        return Str(merged, span, plain and all(isinstance(p, str) for p in merged))

    def _heredoc(self, node: Tree[Token], depth: int) -> Value:
        found = next((c for c in node.children if not _is_tree(c)), None)
        if found is None:
            return self.unknown(node)
        token = cast("Token", found)
        start = token.start_pos or 0
        mapped = _heredoc_text(self.source, start, str(token), node.data.endswith("_trim"))
        if mapped is None:
            return self.unknown(node)
        return _interpolate(mapped, self.span(node))

    def _function(self, node: Tree[Token], depth: int) -> Value:
        names = [_token_text(c) for c in _trees(node) if c.data == "identifier"]
        name = "::".join(names)
        arguments = next((c for c in _trees(node) if c.data == "arguments"), None)
        args = [
            c
            for c in (_trees(arguments) if arguments is not None else [])
            if c.data != "new_line_or_comment"
        ]
        if arguments is not None and any(str(c) == "..." for c in arguments.children):
            return self.unknown(node)
        values = [self.expression(arg, depth + 1) for arg in args]
        handler = _FUNCTIONS.get(name)
        if handler is None:
            return self.unknown(node, f"{name}(...)")
        return handler(self, node, values)

    def _traversal(self, node: Tree[Token], depth: int) -> Value:
        text = "".join(self.text_of(node).split())
        span = self.span(node)
        parts = text.split(".")
        policy_document = parts[:2] == ["data", "aws_iam_policy_document"] and len(parts) == 4
        if policy_document and parts[3] in ("json", "minified_json"):
            return self.module.data_document(parts[2], span, depth)
        if len(parts) == 3 and "[" not in text:
            kind, name, attribute = parts
            if kind == "aws_ecr_repository" and attribute == "repository_url":
                return Str(_repository_url(self.module, name, depth), span)
            if attribute in _NAME_ATTRIBUTES.get(kind, ()):
                literal = self.module.literal_name(kind, name, depth)
                if literal is not None:
                    return Str.known(literal, span)
        return Str((Hole(label_text(text)),), span)

    def _identifier(self, node: Tree[Token], depth: int) -> Value:
        return self.unknown(node)


_Function: TypeAlias = "Callable[[_Evaluator, Tree[Token], list[Value]], Value]"


def _repository_url(module: _Module, name: str, depth: int) -> tuple[Part, ...]:
    """``<registry_id>.dkr.ecr.<region>.<dns suffix>/<name>``: an ECR host whatever the account."""
    literal = module.literal_name("aws_ecr_repository", name, depth)
    address = f"aws_ecr_repository.{name}"
    return (
        Hole(f"{address}.registry_id"),
        ".dkr.ecr.",
        Hole("data.aws_region.current.name"),
        ".",
        Hole("data.aws_partition.current.dns_suffix"),
        "/",
        literal if literal is not None else Hole(f"{address}.name"),
    )


def _fn_jsonencode(ev: _Evaluator, node: Tree[Token], args: list[Value]) -> Value:
    # The structure itself: the sources read a task's containers and a policy from it.
    return args[0] if len(args) == 1 else ev.unknown(node)


def _fn_file(ev: _Evaluator, node: Tree[Token], args: list[Value]) -> Value:
    if len(args) != 1 or not isinstance(args[0], Str):
        return ev.unknown(node)
    pieces = []
    for part in args[0].parts:
        if isinstance(part, Hole):
            if part.label not in _PATH_LABELS:
                return ev.unknown(node)
            pieces.append(".")
        else:
            pieces.append(part)
    relative = "".join(pieces)
    tf_path = Path(ev.source.path)
    target = tf_path.parent / relative
    allowed = [tf_path.parent.resolve(), Path.cwd().resolve()]
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return ev.unknown(node)
    if not any(resolved.is_relative_to(root) for root in allowed):
        return ev.unknown(node, f"file({relative}) outside the module directory, not read")
    display = posixpath.normpath(posixpath.join(posixpath.dirname(ev.source.path), relative))
    try:
        other = read_source(target, display, ev.module.limit)
    except UnreadableFile as error:
        return ev.unknown(node, f"file({relative}): {error.message}")
    span = ev.span(node)
    return MappedStr.of((other.text,) if other.text else (), span, MappedText.whole_file(other))


def _fn_tostring(ev: _Evaluator, node: Tree[Token], args: list[Value]) -> Value:
    if len(args) == 1 and isinstance(args[0], Str):
        return args[0]
    return ev.unknown(node)


def _string_function(transform: Callable[[str], str]) -> _Function:
    def apply(ev: _Evaluator, node: Tree[Token], args: list[Value]) -> Value:
        if len(args) == 1 and isinstance(args[0], Str) and args[0].is_known:
            return Str.known(transform(args[0].value), ev.span(node))
        return ev.unknown(node)

    return apply


def _fn_join(ev: _Evaluator, node: Tree[Token], args: list[Value]) -> Value:
    if len(args) != 2 or not isinstance(args[0], Str) or not args[0].is_known:
        return ev.unknown(node)
    items = args[1]
    if not isinstance(items, Sequence):
        return ev.unknown(node)
    parts: list[Part] = []
    for index, item in enumerate(items.items):
        if index:
            parts.append(args[0].value)
        parts.extend(_as_parts(item, ev.text_of(node)))
    return Str(_concat(parts), ev.span(node))


def _fn_concat(ev: _Evaluator, node: Tree[Token], args: list[Value]) -> Value:
    if not all(isinstance(arg, Sequence) for arg in args):
        return ev.unknown(node)
    items = [item for arg in args if isinstance(arg, Sequence) for item in arg.items]
    return Sequence(items, ev.span(node))


def _fn_format(ev: _Evaluator, node: Tree[Token], args: list[Value]) -> Value:
    if not args or not isinstance(args[0], Str) or not args[0].is_known:
        return ev.unknown(node)
    template = args[0].value
    rest = iter(args[1:])
    parts: list[Part] = []
    last = 0
    for found in _FORMAT_VERB.finditer(template):
        parts.append(template[last : found.start()])
        last = found.end()
        if found.group(1) == "%":
            parts.append("%")
            continue
        value = next(rest, None)
        if value is None:
            return ev.unknown(node)
        parts.extend(_as_parts(value, ev.text_of(node)))
    parts.append(template[last:])
    return Str(_concat(parts), ev.span(node))


_FUNCTIONS: Final[dict[str, _Function]] = {
    "jsonencode": _fn_jsonencode,
    "file": _fn_file,
    "tostring": _fn_tostring,
    "lower": _string_function(str.lower),
    "upper": _string_function(str.upper),
    "trimspace": _string_function(str.strip),
    "join": _fn_join,
    "concat": _fn_concat,
    "format": _fn_format,
}

_HANDLERS: Final = {
    "int_lit": _Evaluator._int,
    "float_lit": _Evaluator._float,
    "literal_value": _Evaluator._literal,
    "tuple": _Evaluator._tuple,
    "object": _Evaluator._object,
    "conditional": _Evaluator._conditional,
    "string": _Evaluator._string,
    "heredoc_template": _Evaluator._heredoc,
    "heredoc_template_trim": _Evaluator._heredoc,
    "function_call": _Evaluator._function,
    "get_attr_expr_term": _Evaluator._traversal,
    "index_expr_term": _Evaluator._traversal,
    "identifier": _Evaluator._identifier,
}


# --- Strings ---------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\" or index + 1 >= len(text):
            out.append(char)
            index += 1
            continue
        code = text[index + 1]
        if code in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[code])
            index += 2
        elif code in "uU":
            width = 4 if code == "u" else 8
            digits = text[index + 2 : index + 2 + width]
            try:
                out.append(chr(int(digits, 16)))
                index += 2 + width
            except ValueError:
                out.append(text[index : index + 2])
                index += 2
        else:
            out.append(text[index : index + 2])
            index += 2
    return "".join(out)


def _as_parts(value: Value | None, label: str) -> tuple[Part, ...]:
    if isinstance(value, Str):
        return value.parts
    if isinstance(value, Scalar) and value.value is not None:
        scalar = value.value
        return ("true" if scalar is True else "false" if scalar is False else str(scalar),)
    if isinstance(value, Opaque):
        return (Hole(value.display or ", ".join(value.labels)),)
    return (Hole(label_text(label)),)


def _concat(parts: list[Part] | tuple[Part, ...]) -> tuple[Part, ...]:
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    return tuple(merged)


def _heredoc_text(source: SourceText, start: int, token: str, trim: bool) -> MappedText | None:
    """A heredoc's body, each character mapped to the file; ``<<-`` strips common indentation."""
    first_newline = token.find("\n")
    if first_newline < 0:
        return None
    marker = token[3 if trim else 2 : first_newline].rstrip("\r")
    lines = token[first_newline + 1 :].split("\n")
    # The token ends with the closing marker's line and its newline.
    while lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[-1].strip() != marker:
        return None
    body = lines[:-1]
    indent = 0
    if trim:
        widths = [len(line) - len(line.lstrip(" \t")) for line in body if line.strip()]
        indent = min(widths) if widths else 0
    chars: list[str] = []
    offsets: list[int] = []
    position = start + first_newline + 1
    for line in body:
        kept = line[indent:] if len(line) >= indent else ""
        skipped = len(line) - len(kept)
        chars.append(kept + "\n")
        offsets.extend(range(position + skipped, position + len(line) + 1))
        position += len(line) + 1
    # Trimming drops indentation only: every character kept is still the file's own.
    return MappedText("".join(chars), offsets, source, verbatim=True)


def _interpolate(mapped: MappedText, span: Span) -> Value:
    """A template's text: ``${ref}`` becomes a hole, ``$${`` a literal ``${``; directives are
    unknown. The display text keeps each hole as written, so JSON in it keeps its positions."""
    text = mapped.text
    if "${" not in text and "%{" not in text:
        return MappedStr.of((text,) if text else (), span, mapped)
    parts: list[Part] = []
    chars: list[str] = []
    offsets: list[int] = []
    last = 0
    for found in _INTERPOLATION.finditer(text):
        parts.append(text[last : found.start()])
        chars.append(text[last : found.start()])
        offsets.extend(mapped.offsets[last : found.start()])
        last = found.end()
        if found.group(4):
            return Opaque(("template directive",), span, "template directive")
        if found.group(1) or found.group(2):
            literal = found.group()[1:]
            parts.append(literal)
            chars.append(literal)
            offsets.extend(mapped.offsets[found.start() + 1 : found.end()])
            continue
        hole = Hole(label_text(found.group(3).strip()))
        parts.append(hole)
        chars.append(hole.display)
        offsets.extend([mapped.offsets[found.start()]] * len(hole.display))
    parts.append(text[last:])
    chars.append(text[last:])
    offsets.extend(mapped.offsets[last:])
    display = MappedText("".join(chars), offsets, mapped.source, verbatim=False)
    return MappedStr.of(_concat(parts), span, display)
