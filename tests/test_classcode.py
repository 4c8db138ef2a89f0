"""Our dataclasses' generated code, kept beside the bytecode: a second start compiles none of
it, and the classes behave exactly as plain dataclasses do."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

SHAPES = """
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@dataclass(order=True)
class Version:
    major: int
    minor: int = 0
    notes: list[str] = field(default_factory=list, compare=False)


@dataclass(frozen=True, kw_only=True, eq=False)
class Options:
    name: str
    level: int = 1


def behaviour() -> list[str]:
    point = Point(1, tags=("a",))
    try:
        point.x = 5  # type: ignore[misc]
        frozen = "assigned"
    except dataclasses.FrozenInstanceError as error:
        frozen = type(error).__name__
    same = Point(1, 0, ("a",))
    return [
        repr(point), str(point == same), str(hash(point) == hash(same)), frozen,
        repr(Version(1)), str(Version(1, 2) < Version(2)), str(sorted([Version(3), Version(1)])),
        repr(Options(name="n")), str(Options(name="n") == Options(name="n")),
        str(dataclasses.fields(Point)[1].default), Point.__init__.__annotations__.get("x", "-"),
    ]
"""

OTHER = """
from dataclasses import dataclass


@dataclass
class Elsewhere:
    value: int = 3
"""

RUN = """
import builtins, json, sys
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "cached":
    from ecs_lint import classcode
    classcode.install("sample")
compiled = []
real_compile = builtins.compile
def counting(source, *args, **kwargs):
    if isinstance(source, str) and source.startswith("def __create_fn__"):
        compiled.append(source)
    return real_compile(source, *args, **kwargs)
builtins.compile = counting
from sample import shapes
import other
print(json.dumps({"compiled": len(compiled), "behaviour": shapes.behaviour()}))
"""


def write_modules(root: Path) -> Path:
    (root / "sample").mkdir()
    (root / "sample" / "__init__.py").write_text("")
    shapes = root / "sample" / "shapes.py"
    shapes.write_text(SHAPES)
    (root / "other.py").write_text(OTHER)
    return shapes


def start(root: Path, mode: str = "cached", **environment: str) -> dict[str, object]:
    """Import the sample modules in a fresh process: how many dataclass functions it compiled
    (``compile`` of ``exec`` of a string is not counted: only ours are), and what they do."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(environment)
    run = subprocess.run(
        [sys.executable, "-c", RUN, str(root), mode],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    answer: dict[str, object] = json.loads(run.stdout)
    return answer


def table_of(module: Path) -> Path:
    tag = sys.implementation.cache_tag
    return module.parent / "__pycache__" / f"{module.stem}.{tag}.dataclasses"


def test_a_second_start_compiles_none_of_the_code_and_the_classes_behave_alike(
    tmp_path: Path,
) -> None:
    shapes = write_modules(tmp_path)
    plain = start(tmp_path, "plain")
    first = start(tmp_path)
    second = start(tmp_path)
    assert first["compiled"] != 0
    assert table_of(shapes).is_file()
    assert second["compiled"] == 0
    assert plain["behaviour"] == first["behaviour"] == second["behaviour"]
    assert "Point(x=1, y=0, tags=('a',))" in second["behaviour"]  # type: ignore[operator]
    assert not table_of(tmp_path / "other.py").exists()  # another package's classes: not kept


def test_a_table_that_is_not_one_is_ignored_and_replaced(tmp_path: Path) -> None:
    shapes = write_modules(tmp_path)
    plain = start(tmp_path, "plain")
    table_of(shapes).parent.mkdir(exist_ok=True)  # the plain start wrote bytecode there
    for garbage in (b"", b"\x00not marshal", marshal.dumps((0, {"def f(): pass": 1}))):
        table_of(shapes).write_bytes(garbage)
        refused = start(tmp_path)
        assert refused["compiled"] != 0
        assert refused["behaviour"] == plain["behaviour"]
        assert start(tmp_path)["compiled"] == 0  # rewritten at the first start's exit


def test_a_changed_class_gets_new_code_and_the_table_forgets_the_old(tmp_path: Path) -> None:
    shapes = write_modules(tmp_path)
    start(tmp_path)
    shapes.write_text(SHAPES.replace("    y: int = 0\n", "    height: int = 0\n"))
    changed = start(tmp_path)
    assert changed["compiled"] != 0
    assert "Point(x=1, height=0, tags=('a',))" in changed["behaviour"]  # type: ignore[operator]
    assert start(tmp_path)["compiled"] == 0
    _, table = marshal.loads(table_of(shapes).read_bytes())
    assert not any("y=" in source for source in table)


def test_nothing_is_written_when_python_writes_no_bytecode(tmp_path: Path) -> None:
    shapes = write_modules(tmp_path)
    start(tmp_path, PYTHONDONTWRITEBYTECODE="1")
    assert not table_of(shapes).exists()
    assert start(tmp_path)["compiled"] != 0


def test_a_directory_that_cannot_hold_a_table_costs_only_the_compilation(tmp_path: Path) -> None:
    shapes = write_modules(tmp_path)
    (shapes.parent / "__pycache__").write_text("a file where the directory would be")
    plain = start(tmp_path, "plain")
    first, second = start(tmp_path), start(tmp_path)
    assert first == second  # compiled again, the same way
    assert first["compiled"] != 0
    assert first["behaviour"] == plain["behaviour"]


def test_the_command_line_keeps_its_tables_where_python_keeps_bytecode(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM nginx:1.25\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "cache")
    command = [sys.executable, "-m", "ecs_lint", "-o", "concise", str(dockerfile)]
    runs = [subprocess.run(command, capture_output=True, text=True, env=env) for _ in range(2)]
    assert [run.returncode for run in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout
    assert "EL101" in runs[0].stdout
    tables = {path.name for path in (tmp_path / "cache").rglob("*.dataclasses")}
    assert f"model.{sys.implementation.cache_tag}.dataclasses" in tables
