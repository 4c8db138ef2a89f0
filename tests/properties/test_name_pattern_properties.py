"""The format table's name patterns mean what shell patterns mean: a file is a candidate for a
format exactly when ``fnmatchcase`` matches its base name with one of the format's patterns.

The matcher tests strings instead of compiling a regular expression; these properties hold it to
``fnmatchcase`` on names built from the pieces the patterns are made of.
"""

from __future__ import annotations

import fnmatch

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecs_lint.sources import FORMATS, NamePatterns, is_candidate_name

PIECES = [
    "Dockerfile",
    "dockerfile",
    "Containerfile",
    "compose",
    "docker-compose",
    "docker-bake",
    "bake",
    "template",
    "yaml",
    "yml",
    "json",
    "hcl",
    "tf",
    *".-_*?[]!/\n",
    "x",
    "",
]
NAMES = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


def fnmatch_any(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


@given(NAMES)
@example("Dockerfile-prod")
@example("Dockerfile_")
@example("Dockerfile.")
@example("compose..yaml")
@example("compose.yaml")  # a literal name, not compose.*.yaml
@example("docker-bake.json.hcl")
@example("Dockerfile\n")
def test_every_format_matches_the_names_fnmatch_matches(name: str) -> None:
    for source_format in FORMATS:
        expected = fnmatch_any(name, source_format.name_patterns)
        assert source_format.matches_name(name) is expected, (source_format.name, name)
    every = tuple(pattern for fmt in FORMATS for pattern in fmt.name_patterns)
    assert is_candidate_name(name) is fnmatch_any(name, every)


OTHER_PATTERNS = [
    "*",
    "a*b*c",
    "?.tf",
    "[a-c]x",
    "[!d]ockerfile",
    "x[",
    "[]]y",
    "[*]z",
    "a[-_]b[.x]c",
]


@pytest.mark.parametrize("pattern", OTHER_PATTERNS)
@given(st.lists(st.sampled_from([*"abcdxyz.-_*?[]!"]), max_size=7).map("".join))
def test_patterns_beyond_the_table_still_mean_what_fnmatch_means(pattern: str, name: str) -> None:
    assert NamePatterns([pattern]).matches(name) is fnmatch.fnmatchcase(name, pattern)
