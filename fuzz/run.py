"""Run the atheris fuzz targets locally, each for a fixed time, on a corpus seeded from fixtures.

    pip install atheris
    python fuzz/run.py                  # every target, 60 s each
    python fuzz/run.py dockerfile 300   # one target, 5 minutes

The corpus grows in ``fuzz/corpus/<target>/`` (git-ignored) and is reused by later runs; a crash
is saved as ``fuzz/crashes/<target>-crash-<hash>`` and replayed with
``python fuzz/fuzz_<target>.py fuzz/crashes/<target>-crash-<hash>``. The exit status is non-zero
when any target found a failure.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS: dict[str, list[Path]] = {
    "references": [],
    "dockerfile": [FIXTURES / "dockerfile", ROOT / "examples" / "docker", FIXTURES / "fixes"],
    "taskdef": [FIXTURES / "taskdef", ROOT / "examples" / "ecs", FIXTURES / "credentials"],
    "yaml": [FIXTURES / "kubernetes", FIXTURES / "compose", FIXTURES / "workflow"],
    "iam": [FIXTURES / "credentials"],
}
REFERENCES = [
    "nginx",
    "nginx:1.25",
    "docker.io/library/nginx:1.25@sha256:" + "a" * 64,
    "public.ecr.aws/docker/library/alpine:3.20",
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/app:2.4.1",
    "localhost:5000/a/b",
    "[::1]:5000/x:y",
    "${REGISTRY}/app:${TAG:-1}",
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf",
    '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}',
]
# libFuzzer options: a slow input (a hang) fails after 10 s, memory is capped, and crash inputs
# go to fuzz/crashes/ rather than the working directory.
OPTIONS = ["-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1"]


def seed(target: str, corpus: Path) -> None:
    if corpus.exists() and any(corpus.iterdir()):
        return
    corpus.mkdir(parents=True, exist_ok=True)
    for source in SEEDS[target]:
        files = sorted(source.rglob("*")) if source.is_dir() else []
        for path in files:
            if path.is_file():
                relative = path.relative_to(source).as_posix().replace("/", "_")
                shutil.copyfile(path, corpus / f"{source.name}_{relative}")
    for index, text in enumerate(REFERENCES):
        (corpus / f"seed-{index}").write_text(text, encoding="utf-8")


def run(target: str, seconds: int) -> int:
    corpus = HERE / "corpus" / target
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    seed(target, corpus)
    command = [
        sys.executable,
        str(HERE / f"fuzz_{target}.py"),
        str(corpus),
        f"-max_total_time={seconds}",
        f"-artifact_prefix={crashes}/{target}-",
        *OPTIONS,
    ]
    print(f"== {target}: {seconds} s", flush=True)
    return subprocess.run(command, check=False).returncode


def main(argv: list[str]) -> int:
    targets = [argv[0]] if argv and argv[0] in SEEDS else list(SEEDS)
    seconds = int(argv[-1]) if argv and argv[-1].isdigit() else 60
    statuses = {target: run(target, seconds) for target in targets}
    for target, status in statuses.items():
        print(f"{target}: {'ok' if status == 0 else f'FAILED (exit {status})'}")
    return 0 if all(status == 0 for status in statuses.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
