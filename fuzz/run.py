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

HERE = Path(__file__).resolve().parent  # absolute: fuzz_fix.py runs in a directory of its own
ROOT = HERE.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS: dict[str, list[Path]] = {
    "references": [],
    "dockerfile": [FIXTURES / "dockerfile", ROOT / "examples" / "docker", FIXTURES / "fixes"],
    "taskdef": [FIXTURES / "taskdef", ROOT / "examples" / "ecs", FIXTURES / "credentials"],
    "yaml": [FIXTURES / "kubernetes", FIXTURES / "compose", FIXTURES / "workflow"],
    "iam": [FIXTURES / "credentials"],
    "cloudformation": [FIXTURES / "cloudformation", ROOT / "examples" / "cloudformation"],
    "terraform": [FIXTURES / "terraform", ROOT / "examples" / "terraform"],
    "fix": [
        FIXTURES / "fixes",
        FIXTURES / "dockerfile",
        ROOT / "examples" / "docker",
        FIXTURES / "taskdef",
        ROOT / "examples" / "ecs",
        FIXTURES / "compose",
        ROOT / "examples" / "compose",
        FIXTURES / "cloudformation",
        ROOT / "examples" / "cloudformation",
        FIXTURES / "terraform",
        ROOT / "examples" / "terraform",
    ],
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
# fuzz_fix.py reads its first byte as the kind of file the rest is (the index in its KINDS), so a
# seed gets the byte of the kind its name says; a file of no kind (a README) is left out. Its
# two-file kind (a Compose file and the Dockerfile it builds, split at NUL) is seeded here.
FIX_KIND_BYTES = {
    "Dockerfile": 0,
    "task-definition": 1,
    "compose": 2,
    "template": 4,
    "terraform": 5,
    "plan": 6,
}
FIX_PAIRS = [
    b"\x03services:\n  web:\n    build:\n      context: .\n      args:\n        BASE: nginx:1.25\n"
    b"    image: redis:7\n\0ARG BASE=alpine:3.20\nFROM ${BASE}\nFROM nginx AS two\n"
    b"COPY --from=busybox:1.36 /bin/sh /sh\n",
    b"\x03services:\n  api:\n    build: {context: ., args: [TAG=7]}\n\0ARG TAG\nFROM redis:$TAG\n",
]


def fix_kind(path: Path) -> str | None:
    """The kind of a seed file for fuzz_fix.py, by its name and folder."""
    name = path.name.lower()
    if "dockerfile" in name:
        return "Dockerfile"
    if name == "plan.json":
        return "plan"
    if "cloudformation" in path.parts:
        return "template"
    if name.endswith(".tf"):
        return "terraform"
    if name.endswith((".yaml", ".yml")):
        return "compose"
    return "task-definition" if name.endswith(".json") else None


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
            if not path.is_file():
                continue
            relative = path.relative_to(source).as_posix().replace("/", "_")
            seeded = corpus / f"{source.name}_{relative}"
            if target != "fix":
                shutil.copyfile(path, seeded)
            elif (kind := fix_kind(path)) is not None:
                seeded.write_bytes(bytes([FIX_KIND_BYTES[kind]]) + path.read_bytes())
    for index, text in enumerate(REFERENCES):
        (corpus / f"seed-{index}").write_text(text, encoding="utf-8")
    if target == "fix":
        for index, data in enumerate(FIX_PAIRS):
            (corpus / f"pair-{index}").write_bytes(data)


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
