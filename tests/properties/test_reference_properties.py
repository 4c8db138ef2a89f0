"""Properties of the image-reference grammar beyond those in tests/test_references.py.

That file already checks that ``parse_reference`` never raises and that normalising is idempotent.
Here: ``resolve_reference`` and the helpers never raise either, a reason is always one short
printable line (it is quoted in every output format), and every spelling of Docker Hub means the
same image.
"""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from ecs_lint.model import ImageRef, InvalidRef, RegistryKind, UnresolvedRef
from ecs_lint.references import (
    DOCKER_HUB_HOSTS,
    ecr_private_parts,
    find_variables,
    parse_reference,
    resolve_reference,
)

# Characters that matter to the grammar, to variables, and to a terminal, so that generated text
# reaches every branch more often than arbitrary text would.
NASTY = st.text(
    alphabet=st.sampled_from(
        [*"abAZ09._-/:@[]+$ {}\\", "\n", "\t", "\x1b", "\x07", "\u202e", "\x9b", "é", "\u212a"]
    ),
    max_size=40,
)
ANY_TEXT = st.one_of(st.text(), NASTY)

COMPONENT = st.from_regex(r"[a-z0-9]{1,5}(?:[._-][a-z0-9]{1,4}){0,2}", fullmatch=True)
TAG = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}", fullmatch=True)


@given(ANY_TEXT)
def test_resolve_never_raises_and_unresolved_means_variables(text: str) -> None:
    result = resolve_reference(text)
    assert isinstance(result, ImageRef | InvalidRef | UnresolvedRef)
    assert result.original == text
    variables = find_variables(text)
    assert isinstance(result, UnresolvedRef) == bool(variables)
    if isinstance(result, UnresolvedRef):
        assert result.variables == variables
        assert all(name in text for name in variables)


@given(ANY_TEXT)
def test_reasons_are_one_short_printable_line(text: str) -> None:
    """Reasons reach terminals and CI logs: never control characters, never a huge message."""
    result = parse_reference(text)
    if isinstance(result, InvalidRef):
        assert result.reason.isprintable()
        assert 0 < len(result.reason) < 300


@given(st.text(max_size=20_000))
def test_long_text_is_decided_quickly_and_bounded(text: str) -> None:
    result = parse_reference(text * 3)
    if isinstance(result, InvalidRef):
        assert len(result.reason) < 300


@given(ANY_TEXT)
def test_normal_form_is_plain_ascii(text: str) -> None:
    result = parse_reference(text)
    if isinstance(result, ImageRef):
        assert str(result).isascii()
        assert str(result).isprintable()


@given(
    st.sampled_from(sorted(DOCKER_HUB_HOSTS)),
    st.lists(COMPONENT, min_size=1, max_size=3),
    st.none() | TAG,
    st.booleans(),
)
def test_every_docker_hub_spelling_is_the_same_image(
    host: str, path: list[str], tag: str | None, upper_host: bool
) -> None:
    assume("." not in path[0])  # a first component with a '.' would be read as a host
    name = "/".join(path)
    suffix = f":{tag}" if tag is not None else ""
    short = parse_reference(f"{name}{suffix}")
    spelled = parse_reference(f"{host.upper() if upper_host else host}/{name}{suffix}")
    assert isinstance(short, ImageRef), short
    assert isinstance(spelled, ImageRef), spelled
    assert spelled.registry is short.registry is RegistryKind.DOCKER_HUB
    assert str(spelled) == str(short)


@given(ANY_TEXT)
def test_ecr_private_parts_never_raises(text: str) -> None:
    parts = ecr_private_parts(text)
    if parts is not None:
        account, region = parts
        assert len(account) == 12
        assert account.isdigit()
        assert region == region.lower()


@given(st.from_regex(r"[0-9]{12}", fullmatch=True), COMPONENT, st.booleans())
def test_private_ecr_is_classified_whatever_the_case(
    account: str, repository: str, upper: bool
) -> None:
    host = f"{account}.dkr.ecr.eu-west-1.amazonaws.com"
    ref = parse_reference(f"{host.upper() if upper else host}/{repository}:1")
    assert isinstance(ref, ImageRef)
    assert ref.registry is RegistryKind.ECR_PRIVATE
