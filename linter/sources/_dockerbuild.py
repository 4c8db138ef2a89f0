"""The ``docker build`` commands of a shell script, as far as their words can be read literally.

A CI step that runs ``docker build -f app/Dockerfile --build-arg BASE=alpine:3.20 app`` says
which Dockerfile it builds and with which values; the workflow source asks for that file to be
linted with them. Only what the words say without running anything is used:

* commands are ``docker build``, ``docker buildx build`` (``b``), ``docker image build`` and
  ``docker builder build``, after any ``NAME=value`` assignments, ``sudo``, ``time`` or
  ``exec``; lines end at newlines (after ``\\`` continuations are joined), ``;``, ``&&``,
  ``||``, ``|`` and ``&``; the words are split as a POSIX shell splits them (quotes removed);
* the flags are docker's and buildx's (``-f``/``--file``, ``--build-arg``, ``--build-context``
  and those taking a value, which are skipped with it); an unknown flag without ``=``, a context
  or file that is ``-``, a URL or holds a variable (``$VAR``, ``${{ expr }}``) make the command
  unreadable, so it is left out, never guessed;
* ``cd DIR`` moves the later commands of the script; a ``cd`` anywhere else (``cd $DIR``,
  ``pushd``, a subshell) makes the directory unknown, so later commands are left out;
* a build arg whose value holds a variable, or one given without ``=`` (its value is the
  environment's), is left out, as Compose's unresolved ones are; a named context keeps its
  value as written (the name is a context whatever the value is).
"""

from __future__ import annotations

import itertools
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from typing import Final

_BUILD_COMMANDS: Final = (
    ("build",),
    ("buildx", "build"),
    ("buildx", "b"),
    ("image", "build"),
    ("builder", "build"),
)
_PREFIXES: Final = frozenset({"sudo", "time", "exec", "command"})
_ASSIGNMENT: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*", re.DOTALL)
_EXPRESSION: Final = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
_OPERATORS: Final = frozenset({";", "&&", "||", "|", "&", ";;", "|&"})
_REMOTE: Final = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)
# docker build / buildx build flags that take a value (the next word, or after "=").
_VALUE_FLAGS: Final = frozenset(
    {
        *("-f", "--file", "-t", "--tag", "--build-arg", "--build-context", "--platform"),
        *("--target", "--cache-from", "--cache-to", "--secret", "--ssh", "-o", "--output"),
        *("--label", "--network", "--progress", "--add-host", "--iidfile", "--metadata-file"),
        *("--builder", "--shm-size", "--ulimit", "--cgroup-parent", "-m", "--memory"),
        *("--memory-swap", "-c", "--cpu-shares", "--cpu-period", "--cpu-quota"),
        *("--cpuset-cpus", "--cpuset-mems", "--isolation", "--annotation", "--attest"),
        *("--sbom", "--provenance", "--allow", "--call", "--print", "--no-cache-filter"),
        *("--policy", "--security-opt", "--resource"),
    }
)
_BOOLEAN_FLAGS: Final = frozenset(
    {
        *("--push", "--load", "--pull", "--no-cache", "-q", "--quiet", "--rm", "--force-rm"),
        *("--squash", "--compress", "--check", "--disable-content-trust", "--debug", "-D"),
    }
)
_BUILDX_GLOBAL_VALUE_FLAGS: Final = frozenset({"--builder"})


@dataclass(frozen=True, slots=True)
class BuildCommand:
    """One ``docker build`` whose Dockerfile is known, its paths relative to where the script
    starts (``posixpath``-normalised)."""

    dockerfile: str
    build_args: tuple[tuple[str, str], ...] = ()
    build_contexts: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class _Flags:
    file: str | None = None
    positional: list[str] = field(default_factory=list)
    build_args: list[tuple[str, str]] = field(default_factory=list)
    build_contexts: list[tuple[str, str]] = field(default_factory=list)


class _Unreadable(Exception):
    """A command whose words do not say literally what it builds."""


def build_commands(script: str) -> list[BuildCommand]:
    """The ``docker build`` commands of ``script`` whose Dockerfile its words name."""
    found: list[BuildCommand] = []
    directory: str | None = "."
    for words in _commands(script):
        if not words:
            continue
        if words[0] in ("cd", "pushd", "popd", "(", ")"):
            directory = _changed_directory(directory, words)
            continue
        if directory is None:
            continue
        command = _build_command(words, directory)
        if command is not None:
            found.append(command)
    return found


def _commands(script: str) -> list[list[str]]:
    """The script's simple commands, each as its words; a line the shell lexer refuses (an
    unclosed quote) yields nothing."""
    commands: list[list[str]] = []
    # The runner replaces an expression before the shell runs; whatever it becomes is unknown
    # here, and one word (its spaces are the expression's, not the shell's).
    joined = _EXPRESSION.sub("${EXPRESSION}", re.sub(r"\\\r?\n", "", script))
    for line in joined.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        lexer.commenters = ""  # shlex would end a word at "#"; a shell only starts a comment so
        try:
            tokens = list(itertools.takewhile(lambda token: not token.startswith("#"), lexer))
        except ValueError:
            continue
        current: list[str] = []
        for token in tokens:
            if token in _OPERATORS:
                commands.append(current)
                current = []
            elif token in ("(", ")"):
                commands.extend([current, [token]])
                current = []
            else:
                current.append(token)
        commands.append(current)
    return commands


def _changed_directory(directory: str | None, words: list[str]) -> str | None:
    """Where ``cd DIR`` leaves the script; ``None`` when that is not known literally."""
    if directory is None or words[0] != "cd" or len(words) != 2:
        return None
    target = words[1]
    if "$" in target or target.startswith(("-", "~", "/")):
        return None
    return posixpath.normpath(posixpath.join(directory, target))


def _build_command(words: list[str], directory: str) -> BuildCommand | None:
    index = 0
    while index < len(words) and (words[index] in _PREFIXES or _ASSIGNMENT.fullmatch(words[index])):
        index += 1
    if index >= len(words) or posixpath.basename(words[index]) != "docker":
        return None
    rest = _after_subcommand(words[index + 1 :])
    if rest is None:
        return None
    try:
        flags = _read_flags(rest)
    except _Unreadable:
        return None
    if len(flags.positional) != 1:
        return None
    context = flags.positional[0]
    dockerfile = flags.file if flags.file is not None else posixpath.join(context, "Dockerfile")
    if any(not _literal_path(path) for path in (context, dockerfile)):
        return None
    return BuildCommand(
        posixpath.normpath(posixpath.join(directory, dockerfile)),
        tuple(flags.build_args),
        tuple(flags.build_contexts),
    )


def _after_subcommand(words: list[str]) -> list[str] | None:
    """The words after ``build`` (``buildx build``...), or ``None`` for another command."""
    if words[:1] == ["buildx"]:
        index = 1
        while index < len(words) and words[index].startswith("--"):  # buildx's own flags
            flag = words[index].split("=", 1)[0]
            if flag not in _BUILDX_GLOBAL_VALUE_FLAGS:
                return None
            index += 1 if "=" in words[index] else 2
        words = ["buildx", *words[index:]]
    for command in _BUILD_COMMANDS:
        if tuple(words[: len(command)]) == command:
            return words[len(command) :]
    return None


def _read_flags(words: list[str]) -> _Flags:
    flags = _Flags()
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            flags.positional.extend(words[index:])
            break
        if not word.startswith("-") or word == "-":
            flags.positional.append(word)
            continue
        name, equals, value = word.partition("=")
        if not equals and name not in _VALUE_FLAGS and name[:2] in ("-f", "-t") and len(name) > 2:
            name, value, equals = name[:2], name[2:], "="  # -fDockerfile, -tname
        if name in _BOOLEAN_FLAGS:
            continue
        if name not in _VALUE_FLAGS:
            if equals:
                continue  # an unknown --flag=value carries its value: nothing else to skip
            raise _Unreadable(word)
        if not equals:
            if index >= len(words):
                raise _Unreadable(word)
            value = words[index]
            index += 1
        _take(flags, name, value)
    return flags


def _take(flags: _Flags, name: str, value: str) -> None:
    if name in ("-f", "--file"):
        flags.file = value
    elif name == "--build-arg":
        arg, equals, arg_value = value.partition("=")
        if arg and equals and "$" not in arg_value:
            flags.build_args.append((arg, arg_value))
    elif name == "--build-context":
        context, equals, context_value = value.partition("=")
        if context and equals:
            flags.build_contexts.append((context, context_value))


def _literal_path(path: str) -> bool:
    return bool(path) and path != "-" and "$" not in path and not _REMOTE.match(path)
