"""Configuration files: discovery, precedence over options, every key, and clear errors."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from ecs_lint.config import EXTEND_SELECT, KEYS, resolve_settings
from ecs_lint.findings import Severity
from ecs_lint.rules import RULES
from ecs_lint.settings import Settings
from support import run_cli

DOCKER_HUB_TASK = """{
  "family": "web",
  "containerDefinitions": [
    {"name": "web", "image": "nginx"},
    {"name": "sidecar", "image": "public.ecr.aws/docker/library/busybox:latest"}
  ]
}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory holding one task definition, as the current directory."""
    (tmp_path / "ecs").mkdir()
    (tmp_path / "ecs" / "task.json").write_text(DOCKER_HUB_TASK)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# The rules these tests configure, as a configuration file selects them: an option's --select
# would replace the file's selection, which is what many tests here are about.
SELECT = 'select = ["EL101", "EL105"]\n'


def rules_reported(*args: str) -> list[str]:
    run = run_cli("-o", "json", *args)
    assert run.status in (0, 1), run.stderr
    return sorted(finding["rule"] for finding in json.loads(run.stdout))


def test_without_configuration_every_rule_reports(project: Path) -> None:
    reported = rules_reported("ecs")
    every_rule = ",".join(rule.code for rule in RULES)
    assert reported == rules_reported("--select", every_rule, "ecs")
    assert reported.count("EL101") == 1 and reported.count("EL105") == 2


def test_dedicated_file_is_found_in_the_current_directory(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text(SELECT + 'ignore = ["EL105"]\n')
    assert rules_reported("ecs") == ["EL101"]


def test_pyproject_table_is_found_from_a_subdirectory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.ecs-lint]\n' + SELECT + 'ignore = ["EL101"]\n'
    )
    monkeypatch.chdir(project / "ecs")
    assert rules_reported("task.json") == ["EL105", "EL105"]


def test_pyproject_without_the_table_is_passed_over_for_a_parent_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / ".ecs-lint.toml").write_text(SELECT + 'ignore = ["EL101"]\n')
    (project / "ecs" / "pyproject.toml").write_text("[tool.black]\nline-length = 90\n")
    monkeypatch.chdir(project / "ecs")
    assert rules_reported("task.json") == ["EL105", "EL105"]


def test_nearest_file_wins_and_dedicated_file_beats_pyproject(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / ".ecs-lint.toml").write_text(SELECT + 'ignore = ["EL101"]\n')
    (project / "ecs" / "pyproject.toml").write_text(
        "[tool.ecs-lint]\n" + SELECT + 'ignore = ["EL105"]\n'
    )
    monkeypatch.chdir(project / "ecs")
    assert rules_reported("task.json") == ["EL101"]
    (project / "ecs" / ".ecs-lint.toml").write_text('select = ["EL105"]\n')
    assert rules_reported("task.json") == ["EL105", "EL105"]


def test_explicit_config_replaces_discovery(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text(SELECT + 'ignore = ["EL101"]\n')
    (project / "ci.toml").write_text(SELECT + 'ignore = ["EL105"]\n')
    assert rules_reported("--config", "ci.toml", "ecs") == ["EL101"]


def test_missing_explicit_config_is_an_error(project: Path) -> None:
    run = run_cli("--config", "nowhere.toml", "ecs")
    assert run.status == 2
    assert "nowhere.toml" in run.stderr and "not found" in run.stderr


# --- command-line options override the file -------------------------------------------------


def test_select_option_replaces_the_files_selection_and_ignores(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text(SELECT + 'ignore = ["EL105"]\n')
    assert rules_reported("ecs") == ["EL101"]
    assert rules_reported("--select", "EL105", "ecs") == ["EL105", "EL105"]


def test_ignore_option_adds_to_the_files_ignores(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text(SELECT + 'ignore = ["EL105"]\n')
    assert rules_reported("--ignore", "EL101", "ecs") == []


def test_extend_select_in_file_and_option(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text('select = ["EL101"]\nextend-select = ["EL105"]\n')
    assert rules_reported("ecs") == ["EL101", "EL105", "EL105"]
    (project / ".ecs-lint.toml").write_text('select = ["EL101"]\n')
    assert rules_reported("--extend-select", "EL105", "ecs") == ["EL101", "EL105", "EL105"]


def test_extend_select_option_re_enables_what_the_file_ignores(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text(SELECT + 'ignore = ["EL105"]\n')
    assert rules_reported("--extend-select", "EL105", "ecs") == ["EL101", "EL105", "EL105"]


def test_fail_level_option_overrides_the_file(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text(SELECT + 'fail-level = "error"\nignore = ["EL101"]\n')
    assert run_cli("ecs").status == 0
    assert run_cli("--fail-level", "warning", "ecs").status == 1


def test_build_arg_option_overrides_the_file_per_name(tmp_path: Path) -> None:
    config = tmp_path / ".ecs-lint.toml"
    config.write_text('[build-args]\nBASE = "nginx"\nTAG = "1.25"\n')
    settings = resolve_settings({"build_args": {"BASE": "httpd"}}, cwd=tmp_path)
    assert settings.build_args == {"BASE": "httpd", "TAG": "1.25"}


def test_build_args_from_the_file_reach_the_dockerfile(project: Path) -> None:
    (project / "Dockerfile").write_text("ARG BASE\nFROM ${BASE}\n")
    selected = ("--select", "EL101,EL103")
    assert rules_reported(*selected, "Dockerfile") == ["EL103"]
    (project / ".ecs-lint.toml").write_text('[build-args]\nBASE = "nginx:1.25"\n')
    assert rules_reported(*selected, "Dockerfile") == ["EL101"]


def test_options_not_given_leave_the_file_values(tmp_path: Path) -> None:
    (tmp_path / ".ecs-lint.toml").write_text('fail-level = "warning"\nselect = ["EL101"]\n')
    settings = resolve_settings({"fail_level": None, "select": None}, cwd=tmp_path)
    assert settings.fail_level is Severity.WARNING
    assert settings.select == ("EL101",)
    assert settings.config_file == str(tmp_path / ".ecs-lint.toml")


# --- each key ---------------------------------------------------------------------------------


def test_severity_override_changes_reported_severity_and_exit_status(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text(
        SELECT + 'fail-level = "error"\n[severity]\nEL101 = "warning"\n'
    )
    run = run_cli("-o", "json", "ecs")
    severities = {finding["rule"]: finding["severity"] for finding in json.loads(run.stdout)}
    assert severities == {"EL101": "warning", "EL105": "warning"}
    assert run.status == 0


def test_severity_override_by_prefix_longest_wins(tmp_path: Path) -> None:
    (tmp_path / ".ecs-lint.toml").write_text('[severity]\nEL1 = "info"\nEL105 = "error"\n')
    settings = resolve_settings({}, cwd=tmp_path)
    assert settings.severity_for("EL101", Severity.ERROR) is Severity.INFO
    assert settings.severity_for("EL105", Severity.WARNING) is Severity.ERROR
    assert settings.severity_for("EL900", Severity.ERROR) is Severity.ERROR


@pytest.mark.parametrize(("level", "status"), [("info", 1), ("warning", 1), ("error", 0)])
def test_fail_level_decides_the_exit_status_for_warnings(
    project: Path, level: str, status: int
) -> None:
    (project / ".ecs-lint.toml").write_text(f'fail-level = "{level}"\nselect = ["EL105"]\n')
    run = run_cli("ecs")
    assert run.status == status
    assert "EL105" in run.stdout  # still reported, only the exit status changes


def test_fail_level_error_still_fails_on_errors(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text('fail-level = "error"\n')
    assert run_cli("ecs").status == 1


def test_trusted_registry_silences_docker_hub_rules(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text('trusted-registries = ["docker.io"]\n')
    docker_hub_rules_and_el105 = ("--select", "EL101,EL102,EL150,EL105")
    assert rules_reported(*docker_hub_rules_and_el105, "ecs") == ["EL105", "EL105"]


def test_trusted_namespace_covers_only_that_namespace(project: Path) -> None:
    (project / "ecs" / "two.json").write_text(
        '{"containerDefinitions": [{"name": "a", "image": "mycorp/api:1.0"},'
        ' {"name": "b", "image": "other/api:1.0"}]}'
    )
    (project / ".ecs-lint.toml").write_text(
        'select = ["EL101"]\ntrusted-registries = ["index.docker.io/mycorp"]\n'
    )
    run = run_cli("-o", "json", "ecs/two.json")
    assert [finding["image"] for finding in json.loads(run.stdout)] == ["docker.io/other/api:1.0"]


def test_every_key_sets_a_settings_field() -> None:
    fields = {field.name for field in dataclasses.fields(Settings)}
    for key in KEYS:
        assert key.field.split(".")[0] in fields | {EXTEND_SELECT}, key.name


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("slect = ['EL101']\n", "unknown key 'slect' (did you mean 'select'?)"),
        ("select = 'EL101'\n", "select: expected an array of strings, got a string"),
        ("select = ['EL999']\n", "select: unknown rule code 'EL999'"),
        ("ignore = [101]\n", "ignore: expected an array of strings, got an integer"),
        ("fail-level = 'fatal'\n", 'fail-level: expected one of "error", "warning", "info"'),
        ("[severity]\nEL101 = 'critical'\n", "severity: EL101: expected one of"),
        ("[severity]\nXX1 = 'error'\n", "severity: unknown rule code 'XX1'"),
        ("[build-args]\nPY = 3.10\n", 'build-args: PY: expected a string (quote it: PY = "3.1")'),
        ("trusted-registries = ['https://x.io']\n", "trusted-registries: expected a registry host"),
        ("trusted-registries = ['mycorp']\n", "'mycorp' is not a registry host"),
        ("[per-file-ignores]\n'ecs/*.json' = 'EL101'\n", "per-file-ignores: 'ecs/*.json':"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_configuration_names_the_key_and_file(project: Path, text: str, expected: str) -> None:
    (project / ".ecs-lint.toml").write_text(text)
    run = run_cli("ecs")
    assert run.status == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("ecs-lint: error: ")
    assert ".ecs-lint.toml" in run.stderr
    assert expected in run.stderr


def test_pyproject_errors_name_the_table(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.ecs-lint]\noffline-mode = true\n")
    run = run_cli("ecs")
    assert run.status == 2
    assert "pyproject.toml: [tool.ecs-lint] unknown key 'offline-mode'" in run.stderr


def test_broken_pyproject_that_mentions_us_is_reported_not_skipped(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.ecs-lint\nselect = []\n")
    run = run_cli("ecs")
    assert run.status == 2
    assert "pyproject.toml: invalid TOML" in run.stderr


def test_a_pyproject_that_never_mentions_us_is_passed_over_even_when_broken(
    project: Path,
) -> None:
    (project / "pyproject.toml").write_text('[tool.ruff\nline-length = "x"\n')
    run = run_cli("-o", "concise", "ecs")
    assert run.status in (0, 1)
    assert "pyproject.toml" not in run.stderr


def test_a_pyproject_too_large_to_read_is_reported_not_a_crash(project: Path) -> None:
    with (project / "pyproject.toml").open("wb") as pyproject:
        pyproject.truncate(11 * 1024 * 1024)  # over the 10 MiB limit, without writing it
    run = run_cli("-o", "concise", "ecs")
    assert run.status == 2
    assert "pyproject.toml: cannot read configuration: file is 11,534,336 bytes" in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_code_in_options_is_an_error(project: Path) -> None:
    run = run_cli("--select", "EL1O1", "ecs")
    assert run.status == 2
    assert "--select: unknown rule code 'EL1O1'" in run.stderr
    run = run_cli("--fail-level", "loud", "ecs")
    assert run.status == 2
    assert "--fail-level: expected one of" in run.stderr


# --- keys for look-ups and execution-role checks ------------------------------------------------


def settings_from(tmp_path: Path, text: str, **options: object) -> Settings:
    (tmp_path / ".ecs-lint.toml").write_text(text)
    return resolve_settings(options, cwd=tmp_path)


def test_gallery_keys_fill_the_gallery_settings(tmp_path: Path) -> None:
    settings = settings_from(
        tmp_path,
        "offline = true\n"
        'gallery-url = "http://127.0.0.1:8080/"\n'
        'registry-url = "https://mirror.example.com/ecr"\n'
        'dockerhub-registry-url = "https://registry-1.docker.io"\n'
        'dockerhub-auth-url = "https://auth.docker.io/token"\n'
        'cache-dir = "cache/ecs-lint"\n'
        "cache-ttl = 0\n"
        "lookup-budget = 2.5\n"
        "lookup-concurrency = 4\n"
        "identity-check = false\n",
    )
    assert settings.offline is True
    assert settings.gallery_url == "http://127.0.0.1:8080"
    assert settings.registry_url == "https://mirror.example.com/ecr"
    assert settings.cache_dir == str(tmp_path / "cache" / "ecs-lint")
    assert (settings.cache_ttl, settings.lookup_budget, settings.lookup_concurrency) == (0, 2.5, 4)
    assert settings.identity_check is False


def test_gallery_keys_not_set_keep_their_defaults(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, 'cache-dir = "/var/cache/ecs-lint"\n')
    assert settings.cache_dir == "/var/cache/ecs-lint"
    assert settings.gallery_url is None
    assert settings.cache_ttl == 24 * 3600.0


def test_pull_through_cache(tmp_path: Path) -> None:
    settings = settings_from(
        tmp_path,
        '[pull-through-cache]\naccount = "123456789012"\nregion = "eu-west-1"\n'
        'prefix = "docker-hub/"\n',
    )
    assert settings.pull_through_cache_rule is not None
    assert settings.pull_through_cache_rule.repository_base == (
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub"
    )


def test_execution_role_keys(tmp_path: Path) -> None:
    settings = settings_from(
        tmp_path,
        'iam-files = ["iam/details.json"]\n'
        'aws-region = "us-east-2"\n'
        'docker-hub-credentials = "arn:aws:secretsmanager:us-east-2:123456789012:secret:'
        'hub-AbCdEf"\n'
        "[role-policies]\n"
        'ecsTaskExecutionRole = "iam/exec.json"\n'
        '"arn:aws:iam::123456789012:role/api" = ["iam/a.json", "/abs/b.json"]\n'
        "[secret-kms-keys]\n"
        'dockerhub = "alias/registry"\n',
    )
    assert settings.iam_files == (str(tmp_path / "iam" / "details.json"),)
    assert settings.role_policy_files == {
        "ecsTaskExecutionRole": (str(tmp_path / "iam" / "exec.json"),),
        "arn:aws:iam::123456789012:role/api": (str(tmp_path / "iam" / "a.json"), "/abs/b.json"),
    }
    assert settings.secret_kms_keys == {"dockerhub": "alias/registry"}
    assert settings.aws_region == "us-east-2"
    assert settings.docker_hub_credentials is not None
    assert settings.docker_hub_credentials.endswith(":secret:hub-AbCdEf")


def test_role_policy_option_overrides_the_file_per_role(tmp_path: Path) -> None:
    settings = settings_from(
        tmp_path,
        '[role-policies]\nexec = "exec.json"\napi = "api.json"\n',
        role_policy_files={"exec": ("cli.json",)},
    )
    assert settings.role_policy_files == {
        "exec": ("cli.json",),
        "api": (str(tmp_path / "api.json"),),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("offline = 'yes'\n", "offline: expected true or false, got a string"),
        (
            "gallery-url = 'http://gallery.example.com'\n",
            "gallery-url: 'http://gallery.example.com' must use https",
        ),
        ("registry-url = 'ftp://x'\n", "registry-url: 'ftp://x' must be an https:// URL"),
        ("cache-ttl = -1\n", "cache-ttl: expected a number of seconds (0 or more), got -1"),
        ("lookup-budget = 0\n", "lookup-budget: expected a positive number, got 0"),
        ("lookup-concurrency = 2.5\n", "lookup-concurrency: expected a whole number of 1 or more"),
        (
            "[pull-through-cache]\naccount = '1234'\nregion = 'eu-west-1'\nprefix = 'hub'\n",
            "pull-through-cache: account: expected a 12-digit AWS account ID, got '1234'",
        ),
        (
            "[pull-through-cache]\naccount = '123456789012'\nregion = 'eu-west-1'\n",
            "pull-through-cache: expected a table of account, region and prefix (missing prefix)",
        ),
        (
            "[pull-through-cache]\naccount = '123456789012'\nregion = 'europe'\nprefix = 'hub'\n",
            "pull-through-cache: region: expected an AWS region such as 'us-east-1', got 'europe'",
        ),
        ("[role-policies]\nexec = 3\n", "role-policies: exec: expected an array of strings"),
        ("aws-region = 'US-EAST-1'\n", "aws-region: expected an AWS region"),
        (
            "docker-hub-credentials = 'arn:aws:ssm:us-east-1:123456789012:parameter/hub'\n",
            "docker-hub-credentials: 'arn:aws:ssm:us-east-1:123456789012:parameter/hub' is an SSM",
        ),
        (
            "[secret-kms-keys]\nhub = 'arn:aws:s3:::bucket'\n",
            "secret-kms-keys: hub: 'arn:aws:s3:::bucket'",
        ),
        ("[gallery]\nurl = 'https://x'\n", "unknown key 'gallery'"),
    ],
)
def test_bad_lookup_and_role_values(project: Path, text: str, expected: str) -> None:
    (project / ".ecs-lint.toml").write_text(text)
    run = run_cli("ecs")
    assert run.status == 2
    assert "Traceback" not in run.stderr
    assert f"ecs-lint: error: .ecs-lint.toml: {expected}" in run.stderr


# --- the README documents the configuration -----------------------------------------------------

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_readme_lists_every_configuration_key() -> None:
    section = readme_section("Configuration")
    first_cells = re.findall(r"^\| ([^|]+) \|", section, re.MULTILINE)
    documented = {name for cell in first_cells for name in re.findall(r"`([a-z-]+)`", cell)}
    assert documented >= {key.name for key in KEYS}


def test_readme_example_configuration_loads(tmp_path: Path) -> None:
    example = readme_section("Configuration").split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(example)
    settings = resolve_settings({}, cwd=tmp_path)
    assert settings.fail_level is Severity.ERROR
    assert settings.severity_overrides == {"EL105": Severity.INFO}
    assert [entry.container for entry in settings.per_file_ignores] == [None, "datadog-agent"]
    assert settings.pull_through_cache_rule is not None
