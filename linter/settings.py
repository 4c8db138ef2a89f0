"""The run's settings: one plain value with every option and configuration key.

:class:`Settings` is also the table of options: each field declares, with ``setting``, the
configuration key and the command-line options that set it (``ecs_lint.options`` derives the
configuration keys, typer's parameters and the fast ``check`` parser from it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from ecs_lint import convert
from ecs_lint.dockerhub import ANONYMOUS, AUTHENTICATED, DOCUMENTED, PullLimit
from ecs_lint.findings import Severity
from ecs_lint.globs import PathGlob
from ecs_lint.options import (
    AWS,
    CHECK,
    LINTING,
    LINTING_AND_SERVER,
    POLICY,
    RATELIMIT,
    READING_AWS,
    ROLE_SOURCES,
    RULES,
    SERVER,
    Key,
    Option,
    setting,
)

if TYPE_CHECKING:
    from ecs_lint.config import Configurations

DEFAULT_EXCLUDE: Final = tuple(
    PathGlob(name, "")
    for name in (
        ".bzr",
        ".direnv",
        ".eggs",
        ".git",
        ".hg",
        ".mypy_cache",
        ".nox",
        ".pytest_cache",
        ".ruff_cache",
        ".svn",
        ".terraform",
        ".tox",
        ".venv",
        "__pycache__",
        "node_modules",
        "venv",
    )
)
"""The default of ``exclude``: version control, virtualenvs, caches and dependency folders
(names, matched at any depth)."""

MAX_FILE_SIZE: Final = 10 * 1024 * 1024
"""The default of ``max-file-size``: the largest input file read, in bytes."""

# How to give ecs-lint an execution role's policies when it does not know them (EL207), in the
# terms of the command that runs: its options, or with live look-ups what is left to give.
ROLE_POLICY_HINT: Final = (
    "give its policies with --role-policy ROLE=FILE or --iam FILE, define the role in the same "
    "template, or look it up with --aws"
)
ROLE_POLICY_HINT_LIVE: Final = (
    "give its policies with --role-policy ROLE=FILE or --iam FILE, or define the role in the "
    "same template"
)
ROLE_POLICY_HINT_AWS_COMMAND: Final = (
    "give its policies in the configuration file, with role-policies (role name or ARN = policy "
    "files) or iam-files"
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
    """The run's settings, and the table of every option and configuration key (one ``setting``
    per field: its default, its key, its options). A command's help lists its options in the
    order of the fields."""

    # --- ecs-lint policy -----------------------------------------------------------------------
    policy_format: str = setting(
        Option(
            "--format",
            "-f",
            commands=(POLICY,),
            help="json (a policy document), cloudformation (an AWS::IAM::Role Policies item) "
            "or terraform (an aws_iam_role_policy block).",
            metavar="FORMAT",
        ),
        default="json",
    )
    policy_missing: bool = setting(
        Option(
            "--missing",
            commands=(POLICY,),
            help="Print only what the role's current policies (--iam, --role-policy, the "
            "template, --aws) do not allow yet; exit 1 when anything is missing.",
            takes=bool,
        ),
        default=False,
    )
    policy_role: str | None = setting(
        Option(
            "--role",
            commands=(POLICY,),
            help="Only this execution role (name or ARN).",
            metavar="ROLE",
        ),
        default=None,
    )
    policy_name: str = setting(
        Option("--policy-name", commands=(POLICY,), help="The policy's name.", metavar="NAME"),
        default="ecs-task-execution",
    )
    # --- Reporting ----------------------------------------------------------------------------
    output_format: str = setting(
        Option(
            "--output-format",
            "-o",
            commands=LINTING,
            help="Output format: text, concise, json, sarif, github, gitlab or junit.",
            metavar="FORMAT",
            convert=convert.report_format,
        ),
        Option(
            "--output-format",
            "-o",
            commands=(RULES, RATELIMIT),
            help="text or json.",
            metavar="FORMAT",
        ),
        default="text",
    )
    # --- What to read from AWS (ecs_lint.aws) ---------------------------------------------------
    aws_regions: tuple[str, ...] = setting(
        Option(
            "--region",
            commands=(AWS,),
            help="Region to read (repeatable; default: aws-region in the configuration, else the "
            "profile's or AWS_REGION).",
            metavar="REGION",
            takes=list,
            convert=convert.region_names,
        ),
        default=(),
    )
    """The regions ``ecs-lint aws`` reads, the first also ``aws_region``."""
    aws_clusters: tuple[str, ...] = setting(
        Option(
            "--cluster",
            commands=READING_AWS,
            help="Read the services of this cluster from AWS, by name or ARN (repeatable).",
            metavar="CLUSTER",
            takes=list,
        ),
        default=(),
    )
    aws_services: tuple[str, ...] = setting(
        Option(
            "--service",
            commands=READING_AWS,
            help="Read this service from AWS, by name or ARN, in any cluster read (repeatable).",
            metavar="SERVICE",
            takes=list,
        ),
        default=(),
    )
    aws_task_definitions: tuple[str, ...] = setting(
        Option(
            "--task-definition",
            commands=READING_AWS,
            help="FAMILY[:REVISION] or ARN (repeatable). Alone: read just these task definitions "
            "(a family: its latest ACTIVE revision); with --cluster or --service: only the "
            "services running one of them.",
            metavar="TASKDEF",
            takes=list,
        ),
        default=(),
    )
    # --- Which files are linted (ecs_lint.discover) --------------------------------------------
    exclude: tuple[PathGlob, ...] = setting(
        Key(
            "exclude",
            convert.path_globs,
            "Globs of files and directories never linted; replaces the default list.",
        ),
        Option(
            "--exclude",
            commands=(CHECK, POLICY),
            help="Globs of files and directories not to lint, replacing the default list "
            "(.venv, node_modules, .terraform...; comma-separated or repeated).",
            metavar="GLOBS",
            takes=list,
            convert=convert.globs,
        ),
        default=DEFAULT_EXCLUDE,
    )
    extend_exclude: tuple[PathGlob, ...] = setting(
        Key(
            "extend-exclude",
            convert.path_globs,
            "Globs of files and directories never linted, on top of `exclude`.",
        ),
        Option(
            "--extend-exclude",
            commands=(CHECK, POLICY),
            help="Globs of files and directories not to lint, on top of the excluded ones "
            "(comma-separated or repeated).",
            metavar="GLOBS",
            takes=list,
            convert=convert.globs,
        ),
        default=(),
    )
    """The configuration's and the options' together (``config.resolve_settings``)."""
    force_exclude: bool = setting(
        Key(
            "force-exclude",
            convert.boolean,
            "Exclude paths named on the command line too (for pre-commit).",
            run_wide=True,
        ),
        Option(
            "--force-exclude",
            commands=(CHECK, POLICY),
            help="Take paths named on the command line as a directory walk takes them: the "
            "exclusions and .gitignore apply to them (as pre-commit needs).",
            takes=bool,
        ),
        default=False,
    )
    respect_gitignore: bool = setting(
        Key(
            "respect-gitignore",
            convert.boolean,
            "Skip what .gitignore, .git/info/exclude and git's global excludes ignore.",
            run_wide=True,
        ),
        Option(
            "--no-respect-gitignore",
            commands=(CHECK, POLICY),
            help="Lint files .gitignore (or .git/info/exclude, or git's global excludes "
            "file) ignores too.",
            takes=bool,
        ),
        default=True,
    )
    # --- What the files mean --------------------------------------------------------------------
    build_args: dict[str, str] = setting(
        Key("build-args", convert.build_args, "Dockerfile ARG values (name → string)."),
        Option(
            "--build-arg",
            commands=(CHECK,),
            help="Dockerfile ARG value, NAME=VALUE (repeatable).",
            metavar="NAME=VALUE",
            takes=list,
            convert=convert.assignments,
        ),
        factory=dict,
    )
    build_contexts: dict[str, str] = setting(
        Key(
            "build-contexts",
            convert.build_contexts,
            "Named build contexts of Dockerfile builds (name → value, as --build-context).",
        ),
        Option(
            "--build-context",
            commands=(CHECK,),
            help="Named build context of Dockerfile builds, NAME=VALUE (repeatable), as docker "
            "buildx build takes it: a FROM or --from name that is one is no image, unless VALUE "
            "is docker-image://REF.",
            metavar="NAME=VALUE",
            takes=list,
            convert=convert.context_assignments,
        ),
        factory=dict,
    )
    """A Dockerfile name that is a named build context is not an image, unless its value is
    ``docker-image://REF``, which pulls ``REF``."""
    env: dict[str, str] = setting(
        Option(
            "--env",
            commands=(CHECK,),
            help="Variable for Docker Compose interpolation and Docker Bake files, NAME=VALUE "
            "(repeatable); wins over the compose file's .env and a Bake variable's default.",
            metavar="NAME=VALUE",
            takes=list,
            convert=convert.assignments,
        ),
        factory=dict,
    )
    parameters: dict[str, str] = setting(
        Option(
            "--parameter",
            commands=ROLE_SOURCES,
            help="CloudFormation parameter value, NAME=VALUE (repeatable); wins over the "
            "template's Default. Pseudo parameters too: --parameter AWS::AccountId=123456789012.",
            metavar="NAME=VALUE",
            takes=list,
            convert=convert.assignments,
        ),
        factory=dict,
    )
    """Pseudo parameters (``AWS::AccountId``, ``AWS::Region``...) are known only from here."""
    terraform_vars: dict[str, str] = setting(
        Key(
            "terraform-vars",
            convert.build_args,
            "Terraform root module variables (name → its `--var` text).",
        ),
        Option(
            "--var",
            commands=ROLE_SOURCES,
            help="Terraform root module variable, NAME=VALUE (repeatable; as terraform's -var: "
            "HCL for a list, map or object type); wins over every variables file.",
            metavar="NAME=VALUE",
            takes=list,
            convert=convert.assignments,
        ),
        factory=dict,
    )
    terraform_var_files: tuple[str, ...] = setting(
        Key(
            "terraform-var-files",
            convert.paths,
            "Terraform variables files (`.tfvars`, `.tfvars.json`), as `--var-file`.",
        ),
        Option(
            "--var-file",
            commands=ROLE_SOURCES,
            help="Terraform variables file, HCL (.tfvars) or JSON (.tfvars.json) (repeatable); "
            "read after terraform.tfvars and *.auto.tfvars, later files winning.",
            metavar="FILE",
            takes=list,
            convert=convert.existing_files,
        ),
        default=(),
    )
    """``--var`` wins over every file; the ``--var-file`` files are read after the module's own
    ``terraform.tfvars`` and ``*.auto.tfvars``."""
    # --- Which rules, which findings fail the run ----------------------------------------------
    select: tuple[str, ...] = setting(
        Key("select", convert.rule_codes, "Rule codes or prefixes to enable (default: all)."),
        Option(
            "--select",
            commands=LINTING_AND_SERVER,
            help="Rule codes or prefixes to enable (comma-separated or repeated).",
            metavar="CODES",
            takes=list,
            convert=convert.codes,
        ),
        default=(),
    )
    ignore: tuple[str, ...] = setting(
        Key("ignore", convert.rule_codes, "Rule codes or prefixes to disable."),
        Option(
            "--ignore",
            commands=LINTING_AND_SERVER,
            help="Rule codes or prefixes to disable (comma-separated or repeated).",
            metavar="CODES",
            takes=list,
            convert=convert.codes,
        ),
        default=(),
    )
    extend_select: tuple[str, ...] = setting(
        Key("extend-select", convert.rule_codes, "Codes to enable on top of `select`."),
        Option(
            "--extend-select",
            commands=LINTING_AND_SERVER,
            help="Rule codes or prefixes to enable on top of the selection.",
            metavar="CODES",
            takes=list,
            convert=convert.codes,
        ),
        default=(),
    )
    """Folded into ``select`` and ``ignore`` by ``config.resolve_settings`` (the file's and the
    option's, in layers): read those."""
    exit_zero: bool = setting(
        Option(
            "--exit-zero", commands=LINTING, help="Exit 0 even when findings remain.", takes=bool
        ),
        default=False,
    )
    config_file: str | None = setting(
        Option(
            "--config",
            commands=(CHECK, AWS, POLICY, RATELIMIT),
            help="Configuration file (.ecs-lint.toml, or pyproject.toml with [tool.ecs-lint]); "
            "default: the nearest one from the current directory up.",
            metavar="PATH",
        ),
        Option(
            "--config",
            commands=(SERVER,),
            help="Configuration file for every document (.ecs-lint.toml, or pyproject.toml with "
            "[tool.ecs-lint]); default: the nearest one from each document's directory up.",
            metavar="PATH",
        ),
        default=None,
    )
    """The configuration file read (``--config``, else the nearest one; ``None``: none)."""
    fail_level: Severity = setting(
        Key(
            "fail-level",
            convert.fail_level,
            "Lowest severity that makes the exit status 1.",
            run_wide=True,
        ),
        Option(
            "--fail-level",
            commands=LINTING,
            help="Lowest severity that makes the exit status 1: error, warning or info.",
            metavar="LEVEL",
            convert=convert.level,
        ),
        default=Severity.INFO,
    )
    use_suppressions: bool = setting(
        Option(
            "--no-suppressions",
            commands=LINTING_AND_SERVER,
            help="Ignore suppression comments and per-file-ignores: show everything.",
            takes=bool,
        ),
        default=True,
    )
    statistics: bool = setting(
        Option(
            "--statistics",
            commands=LINTING,
            help="Print the number of findings per rule instead.",
            takes=bool,
        ),
        default=False,
    )
    quiet: bool = setting(
        Option(
            "--quiet",
            "-q",
            commands=LINTING,
            help="Print only the findings, no summary.",
            takes=bool,
        ),
        default=False,
    )
    output_file: str | None = setting(
        Option(
            "--output-file",
            commands=LINTING,
            help="Write the report (or --diff's diff) to FILE instead of stdout, replacing it "
            "once complete.",
            metavar="FILE",
        ),
        default=None,
    )
    # --- Input ---------------------------------------------------------------------------------
    stdin_filename: str | None = setting(
        Option(
            "--stdin-filename",
            commands=(CHECK,),
            help="The name of the text the path - reads from stdin: its format is chosen by "
            "this name and its content, and findings name it.",
            metavar="PATH",
        ),
        default=None,
    )
    # --- Fixes ---------------------------------------------------------------------------------
    fix: bool = setting(
        Option(
            "--fix",
            commands=(CHECK,),
            help="Apply safe fixes, then report what remains.",
            takes=bool,
        ),
        default=False,
    )
    unsafe_fixes: bool = setting(
        Option(
            "--unsafe-fixes",
            commands=(CHECK,),
            help="Also apply unsafe fixes (e.g. an ECR Public image whose tag was not checked).",
            takes=bool,
        ),
        default=False,
    )
    diff: bool = setting(
        Option(
            "--diff",
            commands=(CHECK,),
            help="Print the fixes as a unified diff; write nothing.",
            takes=bool,
        ),
        default=False,
    )
    show_fixes: bool = setting(
        Option(
            "--show-fixes",
            commands=(CHECK,),
            help="List the fixes: those --fix applied, per file, or else those it would apply.",
            takes=bool,
        ),
        default=False,
    )
    # --- ECR Public equivalents (ecs_lint.gallery) ---------------------------------------------
    offline: bool = setting(
        Key(
            "offline",
            convert.boolean,
            "No network look-ups: the embedded catalog only.",
            run_wide=True,
        ),
        Option(
            "--offline",
            commands=LINTING_AND_SERVER,
            help="No network look-ups: ECR Public equivalents from the embedded catalog only "
            "(also ECS_LINT_OFFLINE=1).",
            takes=bool,
        ),
        default=False,
    )
    # --- Where execution roles' policies, secrets and keys come from (ecs_lint.iam) -------------
    iam_files: tuple[str, ...] = setting(
        Key("iam-files", convert.paths, "`aws iam get-account-authorization-details` outputs."),
        Option(
            "--iam",
            commands=ROLE_SOURCES,
            help="Output of 'aws iam get-account-authorization-details': the roles and managed "
            "policies the execution-role checks use (repeatable).",
            metavar="FILE",
            takes=list,
        ),
        default=(),
    )
    role_policy_files: dict[str, tuple[str, ...]] = setting(
        Key(
            "role-policies",
            convert.role_policies,
            "Role name or ARN → policy file (or list of files): all of the role's policies.",
        ),
        Option(
            "--role-policy",
            commands=ROLE_SOURCES,
            help="A policy document of an execution role, by role name or ARN (repeatable; the "
            "files given for a role are all of its policies).",
            metavar="ROLE=FILE",
            takes=list,
            convert=convert.role_policy_files,
        ),
        factory=dict,
    )
    secret_kms_keys: dict[str, str] = setting(
        Key(
            "secret-kms-keys",
            convert.secret_kms_keys,
            "Secret or parameter → the customer-managed KMS key that encrypts it.",
        ),
        Option(
            "--secret-kms-key",
            commands=ROLE_SOURCES,
            help="The customer-managed KMS key (id, ARN or alias) encrypting a secret or SSM "
            "parameter, by its name or ARN (repeatable).",
            metavar="SECRET=KEY",
            takes=list,
            convert=convert.assignments,
        ),
        factory=dict,
    )
    """By the secret's name or ARN as the task definition writes it."""
    aws: bool = setting(
        Option(
            "--aws",
            commands=ROLE_SOURCES,
            help="Look execution roles, managed policies, secrets and KMS keys up in AWS "
            "(standard credential chain; read-only IAM, Secrets Manager, SSM and KMS calls).",
            takes=bool,
        ),
        default=False,
    )
    """Live look-ups (boto3); ``ecs-lint aws`` always makes them."""
    aws_region: str | None = setting(
        Key("aws-region", convert.aws_region, "The region tasks run in."),
        Option(
            "--region",
            commands=ROLE_SOURCES,
            help="Region of the tasks and of --aws look-ups (completes bare secret names).",
            metavar="REGION",
            convert=convert.region_name,
        ),
        default=None,
    )
    """``None``: unknown offline, the profile's region live."""
    aws_profile: str | None = setting(
        Option(
            "--profile",
            commands=(CHECK, AWS, POLICY),
            help="AWS profile (default: the standard credential chain).",
            metavar="PROFILE",
        ),
        default=None,
    )
    # --- Docker Hub's pull limits and input sizes -----------------------------------------------
    docker_hub_limits: dict[str, PullLimit] = setting(
        Key(
            "docker-hub-limit",
            convert.docker_hub_limits,
            'Docker Hub\'s pull limit: `100`, `"100/6h"`, or `{anonymous, authenticated}`.',
        ),
        Option(
            "--docker-hub-limit",
            commands=(*LINTING, RATELIMIT),
            help="Docker Hub's pull limit, [authenticated=]PULLS[/WINDOW] (repeatable; default "
            "Docker's documented 100/6h per IPv4 address or IPv6 /64 subnet, authenticated "
            "200/6h): the messages and the pull budget (EL150) use it.",
            metavar="LIMIT",
            takes=list,
            convert=convert.pull_limits,
        ),
        factory=dict,
    )
    """By ``anonymous`` and ``authenticated``; what is not given is Docker's documented limit
    (``anonymous_limit``, ``authenticated_limit``)."""
    max_file_size: int = setting(
        Key(
            "max-file-size",
            convert.file_size,
            "Largest input file read (default 10MiB): bytes, or `20MiB`, `512KiB`...",
            run_wide=True,
        ),
        Option(
            "--max-file-size",
            commands=ROLE_SOURCES,
            help="Largest input file read, in bytes or with a unit (20MiB, 512KiB; default "
            "10MiB): linted files, the files they name, --iam and --role-policy files, the "
            "configuration.",
            metavar="SIZE",
            convert=convert.size,
        ),
        default=MAX_FILE_SIZE,
    )
    """In bytes. Every input is held to it: linted files, the files they name (a compose
    ``.env``, Terraform ``file()`` and module files, a compose service's Dockerfile), ``--iam``
    and ``--role-policy`` files, Docker's ``config.json``, and the configuration file itself
    (which only the option can raise it for)."""
    # --- Configuration only --------------------------------------------------------------------
    per_file_ignores: tuple[PerFileIgnore, ...] = setting(
        Key(
            "per-file-ignores",
            convert.per_file_ignores,
            'Glob (or `glob:container`) → codes ignored there: `"ecs/*.json:web" = ["EL105"]`.',
        ),
        default=(),
    )
    severity_overrides: dict[str, Severity] = setting(
        Key("severity", convert.severity_overrides, "Code → severity override."), factory=dict
    )
    """Severity by rule code or prefix (the longest matching prefix wins)."""
    trusted_registries: tuple[str, ...] = setting(
        Key(
            "trusted-registries",
            convert.trusted_registries,
            "Registry hosts (or `host/namespace`) treated as safe: EL101/EL102 skip them.",
        ),
        default=(),
    )
    gallery_url: str | None = setting(
        Key("gallery-url", convert.endpoint, "ECR Public Gallery API endpoint.", run_wide=True),
        default=None,
    )
    """``None``: ``ECS_LINT_GALLERY_URL``, else the real one."""
    registry_url: str | None = setting(
        Key("registry-url", convert.endpoint, "ECR Public registry endpoint.", run_wide=True),
        default=None,
    )
    """``None``: ``ECS_LINT_REGISTRY_URL``, else https://public.ecr.aws."""
    dockerhub_registry_url: str | None = setting(
        Key(
            "dockerhub-registry-url",
            convert.endpoint,
            "Docker Hub registry endpoint (digest checks).",
            run_wide=True,
        ),
        default=None,
    )
    """``None``: ``ECS_LINT_DOCKERHUB_REGISTRY_URL``, else registry-1."""
    dockerhub_auth_url: str | None = setting(
        Key("dockerhub-auth-url", convert.endpoint, "Docker Hub token endpoint.", run_wide=True),
        default=None,
    )
    """``None``: ``ECS_LINT_DOCKERHUB_AUTH_URL``, else the real one."""
    cache_dir: str | None = setting(
        Key("cache-dir", convert.path_value, "Look-up cache directory.", run_wide=True),
        default=None,
    )
    """``None``: ``ECS_LINT_CACHE_DIR``, else the user cache directory."""
    cache_ttl: float = setting(
        Key(
            "cache-ttl",
            convert.non_negative_number,
            "Cache lifetime, seconds (0: off).",
            run_wide=True,
        ),
        default=24 * 3600.0,
    )
    lookup_budget: float = setting(
        Key(
            "lookup-budget",
            convert.positive_number,
            "Seconds all look-ups may take.",
            run_wide=True,
        ),
        default=10.0,
    )
    """Wall-clock seconds all network look-ups of one run may take together."""
    lookup_concurrency: int = setting(
        Key(
            "lookup-concurrency",
            convert.positive_integer,
            "Look-up requests in flight at once per host.",
            run_wide=True,
        ),
        default=16,
    )
    identity_check: bool = setting(
        Key(
            "identity-check",
            convert.boolean,
            "Compare Docker Hub digests to call a replacement identical.",
            run_wide=True,
        ),
        default=True,
    )
    """Also ask Docker Hub for the digest, to tell ``identical`` from ``verified``."""
    pull_through_cache: dict[str, str] = setting(
        Key(
            "pull-through-cache",
            convert.pull_through_cache,
            "ECR pull-through cache for Docker Hub: `{account, region, prefix}`.",
        ),
        factory=dict,
    )
    # Live AWS calls (--aws, ecs-lint aws, policy --aws): ecs_lint.awsapi
    aws_connect_timeout: float = setting(
        Key(
            "aws-connect-timeout",
            convert.positive_number,
            "Seconds to wait for a connection to AWS.",
            run_wide=True,
        ),
        default=5.0,
    )
    aws_read_timeout: float = setting(
        Key(
            "aws-read-timeout",
            convert.positive_number,
            "Seconds to wait for AWS to answer one request.",
            run_wide=True,
        ),
        default=20.0,
    )
    """Before trying again."""
    aws_max_attempts: int = setting(
        Key(
            "aws-max-attempts",
            convert.positive_integer,
            "Attempts per AWS request, retries included.",
            run_wide=True,
        ),
        default=4,
    )
    aws_budget: float = setting(
        Key(
            "aws-budget", convert.positive_number, "Seconds all AWS calls may take.", run_wide=True
        ),
        default=600.0,
    )
    docker_hub_credentials: str | None = setting(
        Key(
            "docker-hub-credentials",
            convert.secret_reference,
            "Secrets Manager secret with Docker Hub credentials, offered as repositoryCredentials.",
        ),
        default=None,
    )
    """For Docker Hub images without an ECR Public equivalent."""
    # --- Set by the running command ------------------------------------------------------------
    role_policy_hint: str = ROLE_POLICY_HINT
    """How the user can give ecs-lint an execution role's unknown policies (EL207's advice), in
    the terms of the running command: ``check --aws`` and ``ecs-lint aws`` set their own."""
    configurations: Configurations | None = field(default=None, compare=False, repr=False)
    """Where each file's own settings come from (``config.Configurations``): the configuration
    nearest to it; ``None`` when every file takes these (``--config``, or settings made in
    code)."""

    def for_path(self, path: str, *, is_dir: bool = False) -> Settings:
        """The settings of the file (or, with ``is_dir``, the directory) at ``path``: these, or
        those of the configuration nearest to it."""
        if self.configurations is None:
            return self
        return self.configurations.for_path(self, path, is_dir=is_dir)

    @property
    def anonymous_limit(self) -> PullLimit:
        """Docker Hub's limit of anonymous pulls per address: ``docker-hub-limit``, else the
        documented one."""
        return self.docker_hub_limits.get(ANONYMOUS, DOCUMENTED[ANONYMOUS])

    @property
    def authenticated_limit(self) -> PullLimit:
        """Docker Hub's limit of an account's pulls: ``docker-hub-limit``'s ``authenticated``,
        else the documented one (a Personal account)."""
        return self.docker_hub_limits.get(AUTHENTICATED, DOCUMENTED[AUTHENTICATED])

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

    @property
    def exclusions(self) -> tuple[PathGlob, ...]:
        """Every glob that keeps a path out of the run: ``exclude`` and ``extend-exclude``."""
        return (*self.exclude, *self.extend_exclude)

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
