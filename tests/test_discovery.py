"""Which files a run checks: what git ignores (git itself the oracle), ``exclude`` and
``extend-exclude`` with ruff's globs, ``--force-exclude``, linked files, and templates for other
tools."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ecs_lint.engine import lint_paths
from ecs_lint.gitignore import GitIgnores, excludes_file_setting, parse_ignore_file
from ecs_lint.globs import BadGlob, GlobSet, PathGlob, translate
from ecs_lint.settings import Settings
from support import run_cli

EL101 = ("--select", "EL101", "-o", "concise")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "core.autocrlf=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def reported(run_stdout: str) -> list[str]:
    """The files of the findings a concise run printed."""
    return sorted({line.split(":", 1)[0] for line in run_stdout.splitlines() if ": EL" in line})


# --- .gitignore, read as git reads it -------------------------------------------------------

IGNORE_CASES = {
    "anchors, directories, negation, double stars": (
        {
            ".gitignore": (
                "# a comment\n/x.yaml\nb/\nbuild\nlogs/**\n!logs/deep/x.yaml\n**/c/*.yaml\n"
                "d/*\n!d/keep.yaml\nsp\\ ace.yaml\nf?o.yaml\n*/Dockerfile\n\\#hash.yaml\n"
                "trailing.yaml   \n"
            ),
            "d/.gitignore": "e/keep.yaml\n",
        },
        [
            "x.yaml",
            "a/x.yaml",
            "a/b/x.yaml",
            "a/b/c/x.yaml",
            "d/e/x.yaml",
            "build/x.yaml",
            "logs/deep/x.yaml",
            "sp ace.yaml",
            "foo.yaml",
            "docs/Dockerfile",
            "a/b/Dockerfile",
            "#hash.yaml",
            "hash.yaml",
            "d/keep.yaml",
            "d/e/keep.yaml",
            "trailing.yaml",
            "Dockerfile",
            "fooo.yaml",
        ],
    ),
    "classes, a/**/b, deeper files override, re-including a file": (
        {
            ".gitignore": "*.y[a-m]ml\n[!t]*.json\na/**/b.json\n!keep.yaml\n",
            "sub/.gitignore": "!*.yml\n*.json\n",
        },
        [
            "one.yaml",
            "one.yml",
            "keep.yaml",
            "task.json",
            "web.json",
            "a/b.json",
            "a/x/y/b.json",
            "sub/two.yml",
            "sub/two.yaml",
            "sub/task.json",
            "sub/deep/keep.yaml",
        ],
    ),
    "a directory ignored cannot have a file re-included": (
        {".gitignore": "vendor/\n!vendor/keep/Dockerfile\ncache\n!cache/Dockerfile\n"},
        ["vendor/keep/Dockerfile", "vendor/Dockerfile", "cache/Dockerfile", "Dockerfile"],
    ),
}


def walk_not_ignored(root: Path) -> list[str]:
    """The files a walk keeps, by the rules ecs-lint reads (ignored directories not entered)."""
    ignores = GitIgnores()
    kept: list[str] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        entries = {entry.name: entry for entry in directory.iterdir()}
        chain = ignores.chain(str(directory), frozenset(entries))
        for name in sorted(entries.keys() - {".git"}):
            path = entries[name]
            if ignores.ignored_in(chain, str(path), is_dir=path.is_dir()):
                continue
            if path.is_dir():
                pending.append(path)
            else:
                kept.append(path.relative_to(root).as_posix())
    return sorted(kept)


@pytest.mark.parametrize("case", IGNORE_CASES)
def test_ignored_as_git_ignores(tmp_path: Path, case: str) -> None:
    ignore_files, paths = IGNORE_CASES[case]
    root = tmp_path.resolve()
    git(root, "init", "-q")
    write(root, {**ignore_files, **{path: "x\n" for path in paths}})
    by_git = sorted(git(root, "ls-files", "--others", "--exclude-standard").splitlines())
    assert walk_not_ignored(root) == by_git


def test_info_exclude_and_the_global_excludes_file_as_git_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = (tmp_path / "repo").resolve()
    root.mkdir()
    git(root, "init", "-q")
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("local-only.yaml\n")
    excludes = tmp_path / "my-excludes"
    excludes.write_text("*.generated.yaml\n!kept.generated.yaml\n")
    config = tmp_path / "gitconfig"
    config.write_text(f'[user]\n\tname = x\n[core]\n\texcludesFile = "{excludes}" ; mine\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    write(
        root,
        {
            "local-only.yaml": "",
            "a.generated.yaml": "",
            "kept.generated.yaml": "",
            "plain.yaml": "",
        },
    )
    by_git = sorted(git(root, "ls-files", "--others", "--exclude-standard").splitlines())
    assert by_git == ["kept.generated.yaml", "plain.yaml"]
    assert walk_not_ignored(root) == by_git


def test_without_core_excludes_file_git_reads_the_xdg_ignore_file(tmp_path: Path) -> None:
    # The test environment points XDG_CONFIG_HOME at a directory of its own (conftest).
    ignore = Path(os.environ["XDG_CONFIG_HOME"]) / "git" / "ignore"
    ignore.parent.mkdir(parents=True, exist_ok=True)
    ignore.write_text("*.swp.yaml\n")
    root = tmp_path.resolve()
    git(root, "init", "-q")
    write(root, {"a.swp.yaml": "", "b.yaml": ""})
    by_git = sorted(git(root, "ls-files", "--others", "--exclude-standard").splitlines())
    assert by_git == ["b.yaml"] == walk_not_ignored(root)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[core]\n\texcludesfile = ~/.ignore\n", "~/.ignore"),
        ('[Core]\n  ExcludesFile = "/a b/ignore" # why\n', "/a b/ignore"),
        ("[core] excludesFile = /x\n[user]\n\texcludesFile = /y\n", "/x"),
        ("[core]\n\tautocrlf = false\n", None),
        ('[core "sub"]\n\texcludesFile = /z\n', "/z"),
    ],
)
def test_the_global_excludes_setting_of_a_git_configuration(
    text: str, expected: str | None
) -> None:
    assert excludes_file_setting(text) == expected


def test_a_nested_repository_starts_afresh(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    git(root, "init", "-q")
    (root / "nested").mkdir()
    git(root / "nested", "init", "-q")
    write(root, {".gitignore": "*.yaml\n", "nested/a.yaml": "", "nested/.gitignore": "b.yaml\n"})
    write(root, {"nested/b.yaml": "", "top.yaml": ""})
    assert walk_not_ignored(root) == [".gitignore", "nested/.gitignore", "nested/a.yaml"]


def test_an_ignore_file_pattern_is_relative_to_its_directory() -> None:
    rules = parse_ignore_file("/only-here.yaml\nanywhere.yaml\ndir/\n", "/repo/sub")
    assert rules.decide("only-here.yaml", False) is True
    assert rules.decide("x/only-here.yaml", False) is None
    assert rules.decide("x/anywhere.yaml", False) is True
    assert rules.decide("x/dir", True) is True
    assert rules.decide("x/dir", False) is None  # a file named dir: not a directory


def test_a_walk_skips_what_git_ignores_unless_told_not_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path.resolve()
    git(root, "init", "-q")
    write(
        root,
        {
            ".gitignore": "build/\n*.local.yaml\n",
            "Dockerfile": "FROM nginx:1.25\n",
            "build/Dockerfile": "FROM nginx:1.25\n",
            "dev.local.yaml": "services:\n  a:\n    image: redis:7\n",
        },
    )
    assert reported(run_cli(str(root), *EL101).stdout) == [f"{root}/Dockerfile"]
    everything = run_cli(str(root), "--no-respect-gitignore", *EL101).stdout
    assert reported(everything) == sorted(
        [f"{root}/Dockerfile", f"{root}/build/Dockerfile", f"{root}/dev.local.yaml"]
    )
    # A run-wide key: read from the configuration of the directory ecs-lint runs in.
    (root / ".ecs-lint.toml").write_text("respect-gitignore = false\n")
    monkeypatch.chdir(root)
    assert reported(run_cli(".", *EL101).stdout) == [
        "Dockerfile",
        "build/Dockerfile",
        "dev.local.yaml",
    ]


def test_outside_a_git_repository_gitignore_means_nothing(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "*\n", "Dockerfile": "FROM nginx:1.25\n"})
    assert reported(run_cli(str(tmp_path), *EL101).stdout) == [f"{tmp_path}/Dockerfile"]


def test_a_named_file_is_linted_though_ignored_unless_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "init", "-q")
    write(tmp_path, {".gitignore": "gen/\n", "gen/app/Dockerfile": "FROM nginx:1.25\n"})
    monkeypatch.chdir(tmp_path)
    assert reported(run_cli("gen/app/Dockerfile", *EL101).stdout) == ["gen/app/Dockerfile"]
    forced = run_cli("gen/app/Dockerfile", "--force-exclude", *EL101)
    assert forced.status == 0 and reported(forced.stdout) == []


# --- exclude and extend-exclude: ruff's globs ---------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "matched"),
    [
        ("node_modules", "/p/web/node_modules", True),  # a name, at any depth
        ("*.generated.yaml", "/p/deep/x.generated.yaml", True),
        ("legacy/*.json", "/p/legacy/old.json", True),  # relative to the base directory
        ("legacy/*.json", "/p/legacy/sub/old.json", True),  # * crosses directories
        ("legacy/*.json", "/p/other/legacy/old.json", False),
        ("charts/*/templates", "/p/charts/web/templates", True),
        ("**/fixtures", "/p/a/b/fixtures", True),
        ("**/fixtures", "/p/fixtures", True),
        ("docs/{old,older}", "/p/docs/older", True),
        ("docs/{old,older}", "/p/docs/oldest", False),
        ("[!a]*.json", "/p/x/b.json", True),
        ("[!a]*.json", "/p/a.json", False),
        ("ecs/web?.json", "/p/ecs/web1.json", True),
    ],
)
def test_exclusion_globs_match_as_ruff_matches(pattern: str, path: str, matched: bool) -> None:
    assert GlobSet([PathGlob(pattern, "/p")]).matches(path) is matched


@pytest.mark.parametrize("pattern", ["docs/{old", "x[ab"])
def test_a_broken_glob_is_refused(pattern: str) -> None:
    with pytest.raises(BadGlob):
        translate(pattern)


def test_extend_exclude_in_the_configuration_and_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        {
            ".ecs-lint.toml": 'extend-exclude = ["legacy", "charts/*/rendered"]\n',
            "Dockerfile": "FROM nginx:1.25\n",
            "legacy/Dockerfile": "FROM nginx:1.25\n",
            "charts/web/rendered/pod.yaml": (
                "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - {name: a, image: redis:7}\n"
            ),
            "tools/Dockerfile": "FROM nginx:1.25\n",
            "node_modules/pkg/Dockerfile": "FROM nginx:1.25\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    assert reported(run_cli(".", *EL101).stdout) == ["Dockerfile", "tools/Dockerfile"]
    # The option's globs add to the file's.
    assert reported(run_cli(".", "--extend-exclude", "tools", *EL101).stdout) == ["Dockerfile"]
    # --exclude replaces the default list (node_modules is linted) but not extend-exclude.
    replaced = run_cli(".", "--exclude", "nothing", *EL101).stdout
    assert reported(replaced) == ["Dockerfile", "node_modules/pkg/Dockerfile", "tools/Dockerfile"]


def test_a_named_path_is_linted_though_excluded_unless_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        {
            ".ecs-lint.toml": 'extend-exclude = ["vendor"]\n',
            "vendor/acme/Dockerfile": "FROM nginx:1.25\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    named = "vendor/acme/Dockerfile"
    assert reported(run_cli(named, *EL101).stdout) == [named]
    assert reported(run_cli("vendor", *EL101).stdout) == [named]
    # A directory above the file is excluded: so is the file, with --force-exclude.
    assert run_cli(named, "--force-exclude", *EL101).stdout.startswith("All clear")
    assert run_cli("vendor", "--force-exclude", *EL101).stdout.startswith("All clear")


def test_exclusions_of_a_sub_project_apply_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        {
            "a/.ecs-lint.toml": 'extend-exclude = ["old"]\n',
            "a/old/Dockerfile": "FROM nginx:1.25\n",
            "b/old/Dockerfile": "FROM nginx:1.25\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    assert reported(run_cli(".", *EL101).stdout) == ["b/old/Dockerfile"]


def test_a_bad_exclusion_glob_names_the_key(tmp_path: Path) -> None:
    (tmp_path / ".ecs-lint.toml").write_text('exclude = ["docs/{a,b"]\n')
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    run = run_cli("--config", str(tmp_path / ".ecs-lint.toml"), str(tmp_path))
    assert run.status == 2
    assert "exclude: 'docs/{a,b': '{' is never closed" in run.stderr


# --- linked files: once, under the real path -----------------------------------------------


def test_a_linked_file_is_reported_once_under_its_real_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"real/Dockerfile": "FROM nginx:1.25\n"})
    # Found first by its link (a file of the top directory comes before the subdirectory).
    (tmp_path / "a.Dockerfile").symlink_to(tmp_path / "real" / "Dockerfile")
    monkeypatch.chdir(tmp_path)
    run = run_cli(".", *EL101)
    assert reported(run.stdout) == ["real/Dockerfile"]
    assert "1 file checked" in run.stdout
    assert reported(run_cli("a.Dockerfile", *EL101).stdout) == ["real/Dockerfile"]
    absolute = run_cli(str(tmp_path / "a.Dockerfile"), *EL101).stdout
    assert reported(absolute) == [str((tmp_path / "real" / "Dockerfile").resolve())]


# --- templates for other tools ---------------------------------------------------------------

JINJA_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Web:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
{% for name in services %}
        - Name: {{ name }}
          Image: nginx:1.25
{% endfor %}
"""
HELM_VALID_YAML = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "{{ .Release.Name }}"
spec:
  template:
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
"""


def test_templates_are_not_checked_and_said_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "cfn/stack.yaml": JINJA_TEMPLATE,
            "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
            "chart/templates/deployment.yaml": HELM_VALID_YAML,
            "docker/Dockerfile.j2": "FROM {{ base_image }}\n",
            "ecs/task-definition.json": (
                '{"containerDefinitions": [{% for c in cs %}{}{% endfor %}]}'
            ),
        },
    )
    run = run_cli(str(tmp_path), "-o", "concise")
    assert run.status == 0, run.stdout + run.stderr
    assert run.stdout.startswith("All clear")
    (note,) = [line for line in run.stderr.splitlines() if "not checked" in line]
    assert note.startswith(
        "ecs-lint: note: 4 files not checked: each a Go template (Helm) or a Jinja template, "
        "which another tool renders first; lint what they render ("
    )
    for name in ["cfn/stack.yaml", "templates/deployment.yaml", "Dockerfile.j2", "task-definition"]:
        assert name in note


def test_a_file_that_only_quotes_template_text_is_still_checked(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            # Outside a chart and valid YAML: a manifest whose image is not known (EL103).
            "k8s/deployment.yaml": HELM_VALID_YAML,
            # CloudFormation's dynamic references and GitHub's expressions are not templates.
            "stack.yaml": (
                "Resources:\n  Web:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
                "      ContainerDefinitions:\n        - Name: web\n          Image: nginx:1.25\n"
                "          Environment:\n            - Name: TOKEN\n"
                "              Value: '{{resolve:ssm:/app/token}}'\n"
            ),
            ".github/workflows/ci.yml": (
                "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                "    container: ${{ matrix.image }}\n    services:\n"
                "      db: {image: 'postgres:16'}\n"
            ),
        },
    )
    result = lint_paths([str(tmp_path)], Settings(select=("EL101", "EL103", "EL900")))
    assert result.not_checked == []
    assert sorted((Path(f.span.path).name, f.rule) for f in result.findings) == [
        ("ci.yml", "EL101"),
        ("ci.yml", "EL103"),
        ("deployment.yaml", "EL103"),
        ("stack.yaml", "EL101"),
    ]


def test_a_broken_file_without_template_actions_is_still_a_parse_error(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text("AWSTemplateFormatVersion: x\nResources: [\n")
    run = run_cli(str(tmp_path), "--select", "EL900")
    assert run.status == 2 and "EL900" in run.stdout and "not checked" not in run.stderr


# --- Kubernetes manifests in JSON ----------------------------------------------------------


def test_kubernetes_manifests_in_json_are_checked_and_fixed(tmp_path: Path) -> None:
    pod = (
        '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n'
        '    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},\n'
        '     "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}\n  ]\n}\n'
    )
    (tmp_path / "pods.json").write_text(pod)
    run = run_cli(str(tmp_path), *EL101)
    assert reported(run.stdout) == [str(tmp_path / "pods.json")]
    assert ":6:" in run.stdout  # the image's line
    fixed = run_cli(str(tmp_path), "--fix", "--unsafe-fixes", *EL101)
    assert fixed.status == 0, fixed.stdout + fixed.stderr
    assert (
        '"image": "public.ecr.aws/docker/library/nginx:1.25"'
        in (tmp_path / "pods.json").read_text()
    )


def test_with_force_exclude_a_named_file_is_taken_as_a_walk_takes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A data file too large to read: a walk passes over a *.json it cannot read; so does a run
    # given the file with --force-exclude (pre-commit names every JSON file). Named plainly,
    # it is reported.
    (tmp_path / "data.json").write_text('{"rows": [' + '"x",' * 40 + '"x"]}\n')
    (tmp_path / "build.docker").write_text("FROM nginx:1.25\n")
    monkeypatch.chdir(tmp_path)
    small = ("--max-file-size", "64", "--select", "EL101,EL900")
    assert run_cli("data.json", *small).status == 2
    assert run_cli(".", *small).status == 0
    forced = run_cli("data.json", "--force-exclude", *small)
    assert forced.status == 0 and "EL900" not in forced.stdout
    # A name no format knows: claimed by content when named, passed over as in a walk when
    # forced.
    assert run_cli("build.docker", *EL101).status == 1
    assert run_cli("build.docker", "--force-exclude", *EL101).status == 0


def test_dockerfiles_named_with_a_suffix_are_found_by_their_first_instruction(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "Dockerfile-prod": "# production\nARG BASE=nginx:1.25\nFROM ${BASE}\n",
            "api/Dockerfile_dev": "FROM python:3.12\n",
            "ubi/Containerfile-minimal": "FROM redis:7.2\n",
            "lower/dockerfile": "FROM node:20\n",
            # Notes named like a Dockerfile, quoting one: not a Dockerfile.
            "docs/Dockerfile-guide.md": "# Guide\n\n```\nFROM nginx:1.25\n```\n",
            "docs/Dockerfile-notes": "Build it with:\nFROM nginx:1.25\n",
        },
    )
    findings = lint_paths([str(tmp_path)], Settings(select=("EL101",))).findings
    assert sorted(str(Path(f.span.path).relative_to(tmp_path)) for f in findings) == [
        "Dockerfile-prod",
        "api/Dockerfile_dev",
        "lower/dockerfile",
        "ubi/Containerfile-minimal",
    ]
