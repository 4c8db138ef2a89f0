"""The run's settings: command-line options (and, later, configuration files) in one plain value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from ecs_lint.findings import Severity

MAX_FILE_SIZE: Final = 10 * 1024 * 1024
"""The default of ``max-file-size``: the largest input file read, in bytes."""

# How to give ecs-lint an execution role's policies when it does not know them (EL207), in the
# terms of the command that runs: its options, or with live look-ups what is left to give.
ROLE_POLICY_HINT: Final = (
    "give its policies with --role-policy ROLE=FILE or --iam FILE (the output of "
    "'aws iam get-account-authorization-details'), define the role in the same template, or "
    "look it up with --aws"
)
ROLE_POLICY_HINT_LIVE: Final = (
    "give its policies with --role-policy ROLE=FILE or --iam FILE (the output of "
    "'aws iam get-account-authorization-details'), or define the role in the same template"
)
ROLE_POLICY_HINT_AWS_COMMAND: Final = (
    "give its policies in the configuration file, with role-policies (role name or ARN = policy "
    "files) or iam-files (outputs of 'aws iam get-account-authorization-details')"
)


@dataclass(frozen=True, slots=True)
class PerFileIgnore:
    """``per-file-ignores``: rules ignored in files matching ``pattern``.

    ``pattern`` is a shell glob on the file's path relative to ``base`` (the directory of the
    configuration file), in ``/`` form; a pattern without ``/`` also matches the base name.
    ``container`` narrows the ignore to findings inside that container definition (a glob on the
    container name); ``None`` means the whole file.
    """

    pattern: str
    codes: tuple[str, ...]
    base: str
    container: str | None = None


@dataclass(frozen=True, slots=True)
class PullThroughCache:
    """An ECR pull-through cache rule for Docker Hub (``<account>.dkr.ecr.<region>``, prefix)."""

    account: str
    region: str
    prefix: str

    @property
    def repository_base(self) -> str:
        """The registry host and prefix every cached Docker Hub repository sits under."""
        suffix = ".amazonaws.com.cn" if self.region.startswith("cn-") else ".amazonaws.com"
        return f"{self.account}.dkr.ecr.{self.region}{suffix}/{self.prefix.strip('/')}"


@dataclass(slots=True)
class Settings:
    build_args: dict[str, str] = field(default_factory=dict)
    build_contexts: dict[str, str] = field(default_factory=dict)
    """Named build contexts (``--build-context NAME=VALUE``): a Dockerfile name that is one is
    not an image, unless its value is ``docker-image://REF``, which pulls ``REF``."""
    env: dict[str, str] = field(default_factory=dict)
    """Variables for Docker Compose interpolation and Docker Bake files (``--env``); they win over
    a ``.env`` file and over a Bake variable's default, as the environment does."""
    parameters: dict[str, str] = field(default_factory=dict)
    """CloudFormation parameter values (``--parameter Name=Value``): they win over a parameter's
    ``Default``; pseudo parameters (``AWS::AccountId``, ``AWS::Region``...) are known only here."""
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exit_zero: bool = False
    # From configuration (ecs_lint.config) as well as options:
    fail_level: Severity = Severity.INFO
    """The lowest severity that makes the exit status 1."""
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    """Severity by rule code or prefix (the longest matching prefix wins)."""
    per_file_ignores: tuple[PerFileIgnore, ...] = ()
    trusted_registries: tuple[str, ...] = ()
    """Registry hosts (or ``host/namespace`` prefixes) treated as safe: EL101/EL102 skip them."""
    use_suppressions: bool = True
    """False with ``--no-suppressions``: comments, metadata and per-file-ignores are ignored."""
    config_file: str | None = None
    # ECR Public equivalents and fixes (ecs_lint.gallery, ecs_lint.fixes):
    offline: bool = False
    """No network look-ups (``--offline`` or ``ECS_LINT_OFFLINE=1``): the embedded catalog only."""
    gallery_url: str | None = None
    """The ECR Public Gallery API; ``None``: ``ECS_LINT_GALLERY_URL``, else the real one."""
    registry_url: str | None = None
    """The ECR Public registry; ``None``: ``ECS_LINT_REGISTRY_URL``, else https://public.ecr.aws."""
    dockerhub_registry_url: str | None = None
    """Docker Hub's registry; ``None``: ``ECS_LINT_DOCKERHUB_REGISTRY_URL``, else registry-1."""
    dockerhub_auth_url: str | None = None
    """Docker Hub's token service; ``None``: ``ECS_LINT_DOCKERHUB_AUTH_URL``, else the real one."""
    cache_dir: str | None = None
    """The look-up cache; ``None``: ``ECS_LINT_CACHE_DIR``, else the user cache directory."""
    cache_ttl: float = 24 * 3600.0
    """Seconds a looked-up answer stays valid in the cache (0 disables the cache)."""
    lookup_budget: float = 10.0
    """Wall-clock seconds all network look-ups of one run may take together."""
    lookup_concurrency: int = 16
    """Look-up requests in flight at once against any one host."""
    identity_check: bool = True
    """Also ask Docker Hub for the digest, to tell ``identical`` from ``verified``."""
    pull_through_cache: dict[str, str] = field(default_factory=dict)
    """An ECR pull-through cache rule for Docker Hub: keys ``account``, ``region``, ``prefix``."""
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    # Execution-role checks (ecs_lint.iam): where role policies, secrets and keys come from.
    iam_files: tuple[str, ...] = ()
    """``--iam FILE``: ``aws iam get-account-authorization-details`` output files."""
    role_policy_files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """``--role-policy ROLE=FILE``: a role's policy documents, by role name or ARN; the files
    given for a role are all of its policies."""
    secret_kms_keys: dict[str, str] = field(default_factory=dict)
    """``--secret-kms-key SECRET=KEY``: the KMS key (id, ARN or alias) encrypting a secret or SSM
    parameter, by its name or ARN as the task definition writes it."""
    aws: bool = False
    """``--aws``: look roles, managed policies, secrets and keys up in AWS (boto3)."""
    aws_region: str | None = None
    """``--region``: the region for live look-ups, and the region tasks run in (it completes
    bare secret and parameter names); ``None``: unknown offline, the profile's region live."""
    aws_profile: str | None = None
    """``--profile``: the AWS profile for live look-ups; ``None``: the standard credential chain."""
    aws_connect_timeout: float = 5.0
    """Seconds to wait for a connection to AWS (live look-ups, ``ecs-lint aws``)."""
    aws_read_timeout: float = 20.0
    """Seconds to wait for AWS to answer one request before trying again."""
    aws_max_attempts: int = 4
    """Attempts per AWS request, retries of throttled, failed and timed-out ones included."""
    aws_budget: float = 600.0
    """Wall-clock seconds all AWS calls of one run may take together."""
    role_policy_hint: str = ROLE_POLICY_HINT
    """How the user can give ecs-lint an execution role's unknown policies (EL207's advice), in
    the terms of the running command: ``check --aws`` and ``ecs-lint aws`` set their own."""
    docker_hub_credentials: str | None = None
    """``docker-hub-credentials``: the Secrets Manager secret (ARN or name) holding Docker Hub
    credentials, offered as ``repositoryCredentials`` for Docker Hub images without an ECR Public
    equivalent."""
    # The Docker Hub pull budget (EL150).
    docker_hub_limit: int = 100
    """``--docker-hub-limit``: anonymous Docker Hub pulls allowed per address in its rate-limit
    window (100 per 6 hours when written; Docker has announced other limits)."""
    max_file_size: int = MAX_FILE_SIZE
    """``max-file-size``/``--max-file-size``: the largest file ecs-lint reads, in bytes. Every
    input is held to it: linted files, the files they name (a compose ``.env``, Terraform
    ``file()`` and module files, a compose service's Dockerfile), ``--iam`` and ``--role-policy``
    files, Docker's ``config.json``, and the configuration file itself (which only the option
    can raise it for)."""

    @property
    def pull_through_cache_rule(self) -> PullThroughCache | None:
        """The configured pull-through cache, when account, region and prefix are all given."""
        entry = self.pull_through_cache
        if not all(entry.get(key) for key in ("account", "region", "prefix")):
            return None
        return PullThroughCache(entry["account"], entry["region"], entry["prefix"])

    def is_selected(self, code: str) -> bool:
        """Whether a rule code is enabled: selected (or nothing selected) and not ignored.

        Codes and prefixes both work (``EL1`` selects every ``EL1xx`` rule); the longest matching
        prefix decides, as in ruff, so ``--select EL1 --ignore EL105`` keeps EL101 to EL104.
        """
        selected = _longest_prefix(code, self.select) if self.select else 0
        ignored = _longest_prefix(code, self.ignore)
        if self.select and selected < 0:
            return False
        return ignored < 0 or selected > ignored

    def severity_for(self, code: str, default: Severity) -> Severity:
        """A rule's severity after the ``severity`` overrides."""
        best, severity = -1, default
        for prefix, override in self.severity_overrides.items():
            length = _longest_prefix(code, (prefix,))
            if length > best:
                best, severity = length, override
        return severity

    def fails_on(self, severity: Severity) -> bool:
        """Whether a finding of this severity makes the exit status 1."""
        return not self.exit_zero and severity.rank >= self.fail_level.rank

    def is_trusted(self, domain: str, path: str) -> bool:
        """Whether an image at ``domain/path`` comes from a trusted registry (or namespace)."""
        repository = f"{domain}/{path}"
        return any(
            repository == entry or repository.startswith(entry + "/") or domain == entry
            for entry in self.trusted_registries
        )


def _longest_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    """Length of the longest of ``prefixes`` that starts ``code`` (``ALL`` counts 0), else -1."""
    best = -1
    for prefix in prefixes:
        if prefix.upper() == "ALL":
            best = max(best, 0)
        elif code.startswith(prefix.upper()):
            best = max(best, len(prefix))
    return best
