"""``max-file-size`` (configuration key) and ``--max-file-size``: the size limit of every input.

The default (10 MiB) is covered in test_input_safety.py; these tests set other limits, small
ones so the files stay small, and one above the default.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from ecs_lint.convert import BadValue, byte_size
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where no configuration file is found above: with a small limit, a pyproject.toml
    further up (this repository's) would be refused as configuration too."""
    monkeypatch.chdir(tmp_path)


DOCKERFILE = "# a comment that makes the file longer than the small limits below\nFROM nginx:1.25\n"


def test_a_linted_file_over_the_limit_is_refused_and_a_higher_limit_reads_it(
    tmp_path: Path,
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    refused = run_cli(str(dockerfile), "-o", "concise", "--max-file-size", "64")
    assert refused.status == 2
    assert f"EL900 file is {len(DOCKERFILE)} bytes, over the 64 bytes limit" in refused.stdout
    assert "max-file-size" in refused.stdout  # says how to raise it
    read = run_cli(str(dockerfile), "-o", "concise", "--max-file-size", "1KiB")
    assert read.status == 1
    assert "EL101" in read.stdout


def test_the_configuration_key_sets_the_limit_and_the_option_wins(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    config = tmp_path / ".ecs-lint.toml"
    config.write_text('max-file-size = "64B"\n')
    by_file = run_cli(str(tmp_path / "Dockerfile"), "-o", "concise", "--config", str(config))
    assert "over the 64 bytes limit" in by_file.stdout
    config.write_text("max-file-size = 64\n")  # a plain number of bytes
    assert (
        "over the 64 bytes limit"
        in run_cli(str(tmp_path / "Dockerfile"), "-o", "concise", "--config", str(config)).stdout
    )
    by_option = run_cli(
        str(tmp_path / "Dockerfile"), "-o", "concise", "--config", str(config),
        "--max-file-size", "2KB",
    )  # fmt: skip
    assert "EL101" in by_option.stdout and "limit" not in by_option.stdout


def test_a_limit_above_the_default_reads_and_fixes_a_larger_file(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    padding = "#" * (10 * 1024 * 1024) + "\n"
    dockerfile.write_text(padding + "FROM nginx:1.25\n")
    assert "10 MiB limit" in run_cli(str(dockerfile), "-o", "concise").stdout
    fixed = run_cli(
        str(dockerfile), "-o", "concise", "--max-file-size", "11MiB", "--fix", "--unsafe-fixes"
    )
    assert "Fixed 1 finding in 1 file" in fixed.stderr
    assert dockerfile.read_text().endswith("\nFROM public.ecr.aws/docker/library/nginx:1.25\n")


def test_files_a_linted_file_names_are_held_to_the_limit(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web: {image: 'nginx:${TAG}'}\n")
    (tmp_path / ".env").write_text("# " + "x" * 200 + "\nTAG=1.25\n")
    run = run_cli(str(tmp_path), "-o", "concise", "--max-file-size", "150")
    assert run.status == 2
    assert ".env" in run.stdout and "over the 150 bytes limit" in run.stdout
    assert "EL101" in run_cli(str(tmp_path), "-o", "concise", "--max-file-size", "1KiB").stdout


def test_policy_files_are_held_to_the_limit(tmp_path: Path) -> None:
    (tmp_path / "td.json").write_text(
        '{"family": "w", "executionRoleArn": "arn:aws:iam::123456789012:role/x",'
        ' "containerDefinitions": [{"name": "a", "image": "public.ecr.aws/a/b:1"}]}'
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    (tmp_path / "policy.json").write_text(json.dumps(policy, indent=4))
    size = (tmp_path / "policy.json").stat().st_size
    role_policy = f"x={tmp_path / 'policy.json'}"
    run = run_cli(str(tmp_path / "td.json"), "--role-policy", role_policy, "--max-file-size", "64")
    assert run.status == 2
    assert f"policy.json:1:1: file is {size} bytes, over the 64 bytes limit" in run.stderr
    accepted = run_cli(str(tmp_path / "td.json"), "--role-policy", role_policy)
    assert accepted.status != 2  # read: the default limit is 10 MiB
    assert "limit" not in accepted.stderr


def test_the_option_limits_the_configuration_file_too(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    config = tmp_path / ".ecs-lint.toml"
    config.write_text("# " + "x" * 200 + '\nignore = ["EL105"]\n')
    run = run_cli(str(tmp_path / "Dockerfile"), "--config", str(config), "--max-file-size", "100")
    assert run.status == 2
    assert "cannot read configuration" in run.stderr and "100 bytes limit" in run.stderr


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("20971520", 20 * 1024 * 1024),
        ("20MiB", 20 * 1024 * 1024),
        ("512 KiB", 512 * 1024),
        ("1.5GB", 1_500_000_000),
        ("2mb", 2_000_000),
        ("1gib", 1 << 30),
        ("100B", 100),
    ],
)
def test_sizes_are_written_in_bytes_or_with_a_unit(text: str, size: int) -> None:
    assert byte_size(text) == size


@pytest.mark.parametrize("text", ["", "0", "-1", "lots", "10 MiBs", "1e6", "0.1B"])
def test_a_size_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(BadValue, match="expected a size"):
        byte_size(text)


def test_a_bad_size_is_a_usage_error_naming_the_option_or_key(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    run = run_cli(str(tmp_path / "Dockerfile"), "--max-file-size", "big")
    assert run.status == 2
    assert "--max-file-size: expected a size such as '20MiB'" in run.stderr
    config = tmp_path / ".ecs-lint.toml"
    config.write_text("max-file-size = 0\n")
    run = run_cli(str(tmp_path / "Dockerfile"), "--config", str(config))
    assert run.status == 2
    assert "max-file-size: expected a size" in run.stderr
