"""The code of our dataclasses' generated methods, compiled once and kept beside the bytecode.

Python writes a dataclass's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and (frozen)
``__setattr__`` as source text and compiles it every time the class is created, in every
process: about 3 M instructions a class. A cold ``ecs-lint`` on one Dockerfile and a task
definition creates about a hundred classes, so that compilation was 40 % of its start.

:func:`install` makes the ``dataclasses`` module's ``exec`` look the text up first in a table of
code objects kept, per module of ours, in that module's ``__pycache__`` directory
(``model.cpython-311.dataclasses``), where Python keeps the module's own bytecode and under the
same terms: nothing is written when Python writes no bytecode (``PYTHONDONTWRITEBYTECODE``,
``-B``), ``PYTHONPYCACHEPREFIX`` moves it, and a directory that cannot be written just goes
without. The key is the whole text, so a class whose fields change gets new code; the code is
what ``exec`` of that text compiles (the same file name, no inherited ``__future__`` flags), so
a class behaves the same whichever way its methods came. A process that compiled anything
writes, at exit, each such module's table with exactly the texts it used: a table holds what its
module creates today, never what an older version of it did.

Only the classes of ``ecs_lint`` modules are looked up; any other code ``dataclasses`` runs
(another library's classes in the language server's process) is executed as it would be.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import dataclasses
import marshal
import os
import sys
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

SUFFIX = "dataclasses"
"""The table's file name: the module's name, the interpreter's cache tag, then this."""

_packages: set[str] = set()
_tables: dict[str, _ModuleCode] = {}


def install(package: str = "ecs_lint") -> None:
    """Have ``dataclasses`` find the code of the classes of ``package`` (and its modules) in
    their tables; write the tables that changed when the process exits."""
    if sys.implementation.cache_tag is None:  # an interpreter without bytecode files
        return
    _packages.add(package)
    if getattr(dataclasses, "exec", None) is not _exec:
        dataclasses.exec = _exec  # type: ignore[attr-defined]  # found before the builtin
        atexit.register(save_tables)


def save_tables() -> None:
    """Write the table of every module one of whose classes' code was compiled here."""
    for table in _tables.values():
        if table.compiled:
            table.save()


def table_path(module_file: str) -> Path:
    """Where the table of the module at ``module_file`` is kept, beside its bytecode."""
    module = Path(module_file)
    if sys.pycache_prefix:  # the tree of bytecode directories mirrors the tree of sources
        directory = Path(sys.pycache_prefix, *module.parent.absolute().parts[1:])
    else:
        directory = module.parent / "__pycache__"
    return directory / f"{module.stem}.{sys.implementation.cache_tag}.{SUFFIX}"


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    # ``exec`` as the dataclasses module calls it: the source text, the class's module's
    # namespace, a fresh dictionary for the functions.
    if type(source) is str and type(globals) is dict:
        table = _table_for(globals)
        if table is not None:
            source = table.code(source)
    builtins.exec(source, globals, locals)


def _table_for(namespace: dict[str, Any]) -> _ModuleCode | None:
    name = namespace.get("__name__")
    module_file = namespace.get("__file__")
    if not isinstance(name, str) or not isinstance(module_file, str):
        return None
    if name.partition(".")[0] not in _packages:
        return None
    table = _tables.get(name)
    if table is None:
        table = _tables[name] = _ModuleCode(table_path(module_file))
    return table


class _ModuleCode:
    """One module's table: the code read from its file, and the code this process used."""

    __slots__ = ("compiled", "path", "stored", "used")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stored = _read_table(path)
        self.used: dict[str, CodeType] = {}
        self.compiled = False

    def code(self, source: str) -> CodeType:
        code = self.stored.get(source)
        if code is None:
            # What ``exec(source)`` compiles: its file name, and no ``__future__`` flags of
            # this module's (``dataclasses`` has none).
            code = compile(source, "<string>", "exec", dont_inherit=True)
            self.compiled = True
        self.used[source] = code
        return code

    def save(self) -> None:
        if sys.dont_write_bytecode:
            return
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(marshal.dumps((sys.hexversion, self.used)))
            temporary.replace(self.path)  # a reader sees the old table or the new one
        except OSError:  # a directory we may not write: the classes are compiled each time
            with contextlib.suppress(OSError):
                temporary.unlink()


def _read_table(path: Path) -> dict[str, CodeType]:
    """The table at ``path``; empty when there is none, or it is not one of this Python's."""
    try:
        # read whole: marshal.load(file) would read it in as many pieces as it holds objects
        version, table = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if version != sys.hexversion or type(table) is not dict:
        return {}
    return {
        source: code
        for source, code in table.items()
        if type(source) is str and type(code) is CodeType
    }
