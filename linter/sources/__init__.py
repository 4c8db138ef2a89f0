"""Sources: one module per input format, each turning a file into a model ``Document``.

This table is the only place that knows which formats exist. A format is recognised by its file
name first, then by a cheap look at its content; its module is imported only when a file of that
format is found, so start-up stays fast.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ecs_lint.model import ContextKind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import ModuleType

    from ecs_lint.model import Document
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText


class Parser(Protocol):
    def __call__(self, source: SourceText, settings: Settings) -> Document: ...


DEPLOY_TIME_VALUES = (
    "pass its value (--parameter Name=Value for template parameters) or lint the rendered "
    "file your deploy tool produces"
)
"""``ImageUse.values_hint`` of the formats whose variables a deploy tool fills in."""


@dataclass(frozen=True, slots=True)
class SourceFormat:
    """One input format: how its files are recognised, its parser's module, and what its
    files give or ask of the other files of their repository."""

    name: str
    module: str
    name_patterns: tuple[str, ...]
    """Shell patterns on the file's base name that make a file a candidate for this format."""
    looks_like: Callable[[str], bool]
    """A cheap test of the decoded text; false means "not this format", silently."""
    promised_by: Callable[[str], object] = lambda _filename: False
    """Whether a base name says the file is of this format: such a file is parsed whatever its
    content, so that an empty or broken one is reported instead of silently skipped."""
    provides: tuple[tuple[ContextKind, Callable[[str], bool]], ...] = ()
    """What a file of this format may give the files of its repository (``ContextKind``), each
    with a cheap test of the text: the files read for the context of the files linted
    (``ecs_lint.context``) are those that pass it."""
    requested_by: tuple[tuple[str, Callable[[str], bool]], ...] = ()
    """The formats whose files may ask for a file of this format to be linted with values of
    their own (a Dockerfile built by a compose service, a Terraform module called by another),
    each with a cheap test of such a file's text: those read for its context
    (``ContextKind.REQUESTS``)."""

    def may_provide(self, kind: ContextKind, text: str | None = None) -> bool:
        """Whether a file of this format, with this text, may give ``kind``; without a text,
        whether any file of the format may."""
        return any(
            provided is kind and (text is None or test(text)) for provided, test in self.provides
        )

    def may_ask_for(self, requested: SourceFormat, text: str | None = None) -> bool:
        """Whether a file of this format, with this text, may ask for a file of ``requested``;
        without a text, whether any file of the format may."""
        return any(
            name == self.name and (text is None or test(text))
            for name, test in requested.requested_by
        )

    def matches_name(self, filename: str) -> bool:
        return _name_matcher(self.name_patterns)(filename)

    def parser(self) -> Parser:
        parse: Parser = self._module().parse
        return parse

    def statements(self, source: SourceText) -> list[tuple[int, int]]:
        """The statements of a file of this format whose document left them to be found on
        demand (``Document.statements`` is ``None``): its module's ``statements``, if any."""
        find: Callable[[SourceText], list[tuple[int, int]]] | None
        find = getattr(self._module(), "statements", None)
        return [] if find is None else find(source)

    def _module(self) -> ModuleType:
        return sys.modules.get(self.module) or importlib.import_module(self.module)


@functools.cache
def _name_matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """The test of a format's name patterns, made on first use: every file of a walk is asked
    about every format."""
    return NamePatterns(patterns).matches


class NamePatterns:
    """Shell patterns on base names, matched as ``fnmatchcase`` matches any of them, with string
    tests instead of a regular expression: the table's patterns are literal names and names with
    one ``*`` between a literal prefix and suffix (a ``[-_]`` class of literal characters spelled
    out as one pattern per character), and a regex for them all cost every start more than the
    walk it served. Any other pattern is left to ``fnmatchcase``. ``matches(name)`` tests one."""

    __slots__ = ("_around", "_exact", "_others", "_prefixes", "_suffixes", "matches")

    def __init__(self, patterns: Iterable[str]) -> None:
        exact: set[str] = set()
        prefixes: list[str] = []
        suffixes: list[str] = []
        self._around: list[tuple[str, str, int]] = []
        self._others: list[str] = []
        for pattern in (spelled for written in patterns for spelled in _spelled_out(written)):
            prefix, star, suffix = pattern.partition("*")
            if any(special in pattern for special in "?[]") or "*" in suffix:
                self._others.append(pattern)
            elif not star:
                exact.add(pattern)
            elif not suffix:
                prefixes.append(prefix)
            elif not prefix:
                suffixes.append(suffix)
            else:  # the star matches at least nothing: the two must not overlap
                self._around.append((prefix, suffix, len(prefix) + len(suffix)))
        self._exact = frozenset(exact)
        self._prefixes = tuple(prefixes)
        self._suffixes = tuple(suffixes)
        # Each file is asked about every format: the test is the one string method a format's
        # patterns need when they need one (most are "*.json" or "*.yaml", "*.yml").
        self.matches: Callable[[str], bool] = self._any
        if not (prefixes or self._around or self._others):
            if not exact:
                self.matches = self._ends
            elif not suffixes:
                self.matches = self._exact.__contains__

    def _ends(self, name: str) -> bool:
        return name.endswith(self._suffixes)

    def _any(self, name: str) -> bool:
        return (
            name in self._exact
            or name.endswith(self._suffixes)
            or name.startswith(self._prefixes)
            or any(
                len(name) >= least and name.startswith(prefix) and name.endswith(suffix)
                for prefix, suffix, least in self._around
            )
            or any(fnmatch.fnmatchcase(name, pattern) for pattern in self._others)
        )


def _spelled_out(pattern: str) -> list[str]:
    """``Dockerfile[-_]*`` as ``Dockerfile-*`` and ``Dockerfile_*``: a class of plain characters
    (no range, no negation, none a wildcard once out of the class) becomes one pattern per
    character; any other pattern is itself."""
    start = pattern.find("[")
    end = pattern.find("]", start + 2)
    if start < 0 or end < 0:
        return [pattern]
    members = pattern[start + 1 : end]
    if members[0] in "!^" or "-" in members[1:-1] or any(c in members for c in "*?["):
        return [pattern]
    rest = _spelled_out(pattern[end + 1 :])
    return [pattern[:start] + member + tail for member in dict.fromkeys(members) for tail in rest]


# A bare "FROM" still claims the file, so the source can report it (EL900) instead of a silent skip.
_INSTRUCTION = re.compile(r"^[ \t]*(?:FROM|ARG)(?:[ \t]|\r?$)", re.IGNORECASE | re.MULTILINE)


def _looks_like_dockerfile(text: str) -> bool:
    return _INSTRUCTION.search(text) is not None


def _opens_like_dockerfile(text: str) -> bool:
    """A stricter test for names people also give notes (``Dockerfile-guide.md``): the first
    line that is neither blank nor a comment is a ``FROM`` or an ``ARG``, as in every
    Dockerfile."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return _INSTRUCTION.match(line) is not None
    return False


def _looks_like_task_definition(text: str) -> bool:
    return '"containerDefinitions"' in text or (
        '"image"' in text and '"name"' in text and text.lstrip().startswith("[")
    )


def _looks_like_express_service(text: str) -> bool:
    """The input of ``create-`` or ``update-express-gateway-service`` (the source checks the
    keys are the top-level object's)."""
    return '"primaryContainer"' in text or (
        '"taskDefinitionArn"' in text
        and ('"infrastructureRoleArn"' in text or '"serviceArn"' in text)
    )


# The content tests below are pattern texts, compiled by ``re`` (its cache) when first used: a run
# asks only the tests of the formats its files may be, and compiling all of them at import was a
# tenth of a cold start's regular expressions.
_TEMPLATE_VERSION = r"""["']?AWSTemplateFormatVersion["']?[ \t]*:"""
_TEMPLATE_RESOURCES = r"""(?m)(?:^|[{,\s])["']?Resources["']?[ \t]*:"""
_TEMPLATE_AWS_TYPE = r"""["']?Type["']?[ \t]*:[ \t]*["']?AWS::"""


def _looks_like_cloudformation(text: str) -> bool:
    """``AWSTemplateFormatVersion``, or ``Resources`` holding ``AWS::`` resource types."""
    # The plain substring tests first: the patterns need these words, and every JSON file of a
    # run is asked (a regex scan of a task definition costs 0.1 ms, the substring test 1 µs).
    if "AWSTemplateFormatVersion" in text and re.search(_TEMPLATE_VERSION, text) is not None:
        return True
    if "Resources" not in text or "AWS::" not in text:
        return False
    resources = re.search(_TEMPLATE_RESOURCES, text) is not None
    return resources and re.search(_TEMPLATE_AWS_TYPE, text) is not None


_PLAN_VERSION = r'"format_version"[ \t\r\n]*:'
_PLAN_VALUES = r'"(?:planned_values|values|root_module)"[ \t\r\n]*:'


def _looks_like_terraform_json(text: str) -> bool:
    """``terraform show -json`` of a plan or a state."""
    return (
        '"terraform_version"' in text
        and re.search(_PLAN_VERSION, text) is not None
        and re.search(_PLAN_VALUES, text) is not None
    )


_TERRAFORM_BLOCKS = (
    r"""(?m)^[ \t]*(?:resource[ \t]+"aws_(?:ecs_task_definition|ecs_service"""
    r"""|ecs_express_gateway_service|iam_role|iam_role_policy"""
    r"""|iam_role_policy_attachment|iam_policy|secretsmanager_secret|ssm_parameter)"|"""
    r"""data[ \t]+"aws_iam_policy_document"|module[ \t]+"[^"\n]*"[ \t]*\{)"""
)


def _looks_like_terraform(text: str) -> bool:
    """HCL with the resources ecs-lint reads (task definitions, services, roles, secrets), or
    that calls a module (which may define them, or take images)."""
    return re.search(_TERRAFORM_BLOCKS, text) is not None


_BAKE_HCL_BLOCK = r"(?m)^[ \t]*(?:target|group)[ \t]*[\"{]"
_BAKE_JSON_BLOCK = r""""(?:target|group)"[ \t\r\n]*:"""


def _looks_like_bake(text: str) -> bool:
    """HCL with a ``target`` (or ``group``) block, or JSON with such a member; even a broken
    one, so that its problem is reported."""
    pattern = _BAKE_JSON_BLOCK if text.lstrip().startswith("{") else _BAKE_HCL_BLOCK
    return re.search(pattern, text) is not None


_COMPOSE_TOP_LEVEL = r"(?m)^(?:services|include)[ \t]*:"
_WORKFLOW_JOBS = r"(?m)^jobs[ \t]*:"
_WORKFLOW_ON = r"""(?m)^(?:on|"on"|'on')[ \t]*:"""
_KUBERNETES_API_VERSION = r"(?m)^[ \t]*(?:-[ \t]+)?apiVersion[ \t]*:"
_KUBERNETES_KIND = r"(?m)^[ \t]*(?:-[ \t]+)?kind[ \t]*:"


# A top-level ``services`` mapping (block or flow), and ``image`` or ``build`` keys in it.
_COMPOSE_SERVICES = (
    r"(?m)^services[ \t]*:[ \t]*(?:\{|(?:#[^\n]*)?\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]+[^\s#-])"
)
_COMPOSE_SERVICE_KEYS = r"""(?m)(?:^[ \t]+|[{,][ \t]*)["']?(?:image|build)["']?[ \t]*:"""


def _looks_like_compose(text: str) -> bool:
    """A file named like a compose file: ``services`` or ``include`` at the top level."""
    return re.search(_COMPOSE_TOP_LEVEL, text) is not None


def _holds_compose_services(text: str) -> bool:
    """Any other YAML file: a top-level ``services`` mapping whose entries have ``image`` or
    ``build`` (``docker-stack.yml``, ``docker/dev.yml``), not a list (GitLab CI's ``services``)."""
    return (
        "services" in text
        and re.search(_COMPOSE_SERVICES, text) is not None
        and re.search(_COMPOSE_SERVICE_KEYS, text) is not None
    )


def _looks_like_workflow(text: str) -> bool:
    return re.search(_WORKFLOW_JOBS, text) is not None and re.search(_WORKFLOW_ON, text) is not None


def _looks_like_kubernetes(text: str) -> bool:
    return (
        re.search(_KUBERNETES_API_VERSION, text) is not None
        and re.search(_KUBERNETES_KIND, text) is not None
    )


_JSON_API_VERSION = r'"apiVersion"[ \t\r\n]*:'
_JSON_KIND = r'"kind"[ \t\r\n]*:'


def _looks_like_kubernetes_json(text: str) -> bool:
    """``kubectl get -o json`` and JSON manifests: ``apiVersion`` and ``kind`` keys."""
    return (
        '"apiVersion"' in text
        and re.search(_JSON_API_VERSION, text) is not None
        and re.search(_JSON_KIND, text) is not None
    )


# Names that say "task definition", as the pre-commit hook's pattern reads them (task-definition,
# taskdef, task_defs, container-definitions...).
_TASK_DEFINITION_NAME = re.compile(
    r".*(?:task[-_.]?def|container[-_.]?definition).*\.json", re.IGNORECASE | re.DOTALL
)

COMPOSE_PATTERNS = (
    "compose.yaml",
    "compose.yml",
    "compose.*.yaml",
    "compose.*.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
    "docker-compose.*.yaml",
    "docker-compose.*.yml",
)
YAML_PATTERNS = ("*.yaml", "*.yml")
CLOUDFORMATION_PATTERNS = ("*.template.json", "*.yaml", "*.yml", "*.json", "*.template")

BAKE_PATTERNS = (
    "docker-bake.hcl",
    "docker-bake.json",
    "docker-bake.*.hcl",
    "docker-bake.*.json",
    "*.bake.hcl",
    "*.bake.json",
    "*-bake.hcl",
    "*-bake.json",
)

DOCKERFILE_PATTERNS = (
    "Dockerfile",
    "Containerfile",
    "*.Dockerfile",
    "*.dockerfile",
    "*.Containerfile",
    "*.containerfile",
    "Dockerfile.*",
    "Containerfile.*",
)
SUFFIXED_DOCKERFILE_PATTERNS = ("Dockerfile[-_]*", "Containerfile[-_]*", "dockerfile")
"""``Dockerfile-prod``, ``Dockerfile_dev``, and the lower-case name ``docker build`` also looks
for: Dockerfiles by their first instruction."""


def _mentions(*words: str) -> Callable[[str], bool]:
    """A cheap context test: the text mentions one of ``words``."""
    return lambda text: any(word in text for word in words)


def _always(_text: str) -> bool:
    return True


_CLOUDFORMATION_PROVIDES = (
    (ContextKind.TASK_DEFINITIONS, _mentions("AWS::ECS::TaskDefinition")),
    (ContextKind.SERVICES, _mentions("AWS::ECS::Service", "AWS::ECS::ExpressGatewayService")),
    (
        ContextKind.IAM,
        _mentions("AWS::IAM::", "AWS::SecretsManager::", "AWS::SSM::Parameter", "AWS::KMS::"),
    ),
)
_TERRAFORM_PROVIDES = (
    (ContextKind.TASK_DEFINITIONS, _mentions("aws_ecs_task_definition")),
    (ContextKind.SERVICES, _mentions("aws_ecs_service", "aws_ecs_express_gateway_service")),
    (
        ContextKind.IAM,
        _mentions("aws_iam_", "aws_secretsmanager_", "aws_ssm_parameter", "aws_kms_"),
    ),
)

_KUBERNETES_PROVIDES = (
    (ContextKind.PULL_CREDENTIALS, _mentions("imagePullSecrets")),
    (ContextKind.BUILT_IMAGES, _mentions("skaffold/")),
)

FORMATS: tuple[SourceFormat, ...] = (
    SourceFormat(
        "dockerfile",
        "ecs_lint.sources.dockerfile",
        DOCKERFILE_PATTERNS,
        _looks_like_dockerfile,
        requested_by=(
            ("compose", _mentions("build")),
            ("bake", _always),
            # build-push-action, bake-action, docker build run lines
            ("workflow", _mentions("docker")),
        ),
    ),
    SourceFormat(
        "dockerfile",
        "ecs_lint.sources.dockerfile",
        SUFFIXED_DOCKERFILE_PATTERNS,
        _opens_like_dockerfile,
    ),
    # Bake files claim their own names before the other JSON formats look at the content.
    SourceFormat("bake", "ecs_lint.sources.bake", BAKE_PATTERNS, _looks_like_bake),
    # CloudFormation and Terraform plans are told apart by content before task-definition JSON
    # and the other YAML formats, whose name patterns they share.
    SourceFormat(
        "cloudformation",
        "ecs_lint.sources.cloudformation",
        CLOUDFORMATION_PATTERNS,
        _looks_like_cloudformation,
        provides=_CLOUDFORMATION_PROVIDES,
    ),
    SourceFormat(
        "terraform-json",
        "ecs_lint.sources.terraform",
        ("*.json",),
        _looks_like_terraform_json,
        provides=_TERRAFORM_PROVIDES,
    ),
    SourceFormat(
        "terraform",
        "ecs_lint.sources.terraform",
        ("*.tf",),
        _looks_like_terraform,
        provides=_TERRAFORM_PROVIDES,
        requested_by=(("terraform", _mentions("module")),),  # a module block calls its directory
    ),
    SourceFormat(
        "express-service",
        "ecs_lint.sources.express",
        ("*.json",),
        _looks_like_express_service,
        provides=((ContextKind.SERVICES, _always), (ContextKind.TASK_DEFINITIONS, _always)),
    ),
    SourceFormat(
        "task-definition",
        "ecs_lint.sources.taskdef",
        ("*.json",),
        _looks_like_task_definition,
        _TASK_DEFINITION_NAME.fullmatch,
        provides=((ContextKind.TASK_DEFINITIONS, _always),),
        requested_by=(("terraform", _mentions("file(")),),  # file("containers.json")
    ),
    # Compose claims its own file names first, then any YAML file holding compose services;
    # any other YAML file is a GitHub Actions workflow or a Kubernetes manifest by its content,
    # wherever it lives (a Helm render piped to a file, a workflow under .github/workflows or
    # .gitea/workflows). Kubernetes manifests may be JSON too (kubectl get -o json).
    SourceFormat("compose", "ecs_lint.sources.compose", COMPOSE_PATTERNS, _looks_like_compose),
    SourceFormat("compose", "ecs_lint.sources.compose", YAML_PATTERNS, _holds_compose_services),
    SourceFormat("workflow", "ecs_lint.sources.workflow", YAML_PATTERNS, _looks_like_workflow),
    SourceFormat(
        "kubernetes",
        "ecs_lint.sources.kubernetes",
        YAML_PATTERNS,
        _looks_like_kubernetes,
        provides=_KUBERNETES_PROVIDES,
    ),
    SourceFormat(
        "kubernetes",
        "ecs_lint.sources.kubernetes",
        ("*.json",),
        _looks_like_kubernetes_json,
        provides=_KUBERNETES_PROVIDES,
    ),
)


def format_named(name: str) -> SourceFormat:
    """The format called ``name`` (``"dockerfile"``...); a ``KeyError`` names an unknown one."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


@functools.lru_cache(maxsize=4096)
def formats_named(filename: str) -> tuple[SourceFormat, ...]:
    """The formats whose name patterns match ``filename``: a repository names most of its files
    alike (``Dockerfile``, ``task-definition.json``), each asked about once."""
    return tuple(fmt for fmt in FORMATS if fmt.matches_name(filename))


def is_candidate_name(filename: str) -> bool:
    """Whether a file found in a directory walk may belong to some format."""
    return _name_matcher(_EVERY_NAME_PATTERN)(filename)


_EVERY_NAME_PATTERN = tuple(pattern for fmt in FORMATS for pattern in fmt.name_patterns)


def formats_for(filename: str, text: str, *, explicit: bool = False) -> list[SourceFormat]:
    """Formats that claim a file, best first.

    A file found in a directory must match a format's name patterns and then its content test. A
    file named on the command line whose name matches no format is claimed by content alone, so
    ``ecs-lint build/web.docker`` works.
    """
    by_name = formats_named(filename)
    if explicit and not by_name:
        by_name = FORMATS
    claimed = [fmt for fmt in by_name if fmt.looks_like(text) or fmt.promised_by(filename)]
    # A format may be declared twice (by name, and by content for other names): once each.
    unique: dict[str, SourceFormat] = {}
    for fmt in claimed:
        unique.setdefault(fmt.name, fmt)
    return list(unique.values())
