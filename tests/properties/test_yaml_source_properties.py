"""Properties of the YAML sources (Kubernetes, Docker Compose, GitHub Actions) on generated files.

The per-source tests feed fragments of YAML text; these generate whole valid files from data,
written in every style PyYAML can emit (block or flow, plain, single- or double-quoted, folded at
a narrow width), and check that each source finds every image with the value the data holds, and
that a fix target covers exactly the image text, whatever the style.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from ecs_lint.model import UnresolvedRef
from ecs_lint.references import find_variables
from ecs_lint.settings import Settings
from ecs_lint.sources import compose, kubernetes, workflow
from ecs_lint.textio import SourceText

# Image values that need quoting in YAML, look like other types, hold spaces, or are long
# enough to be folded.
IMAGES = st.one_of(
    st.sampled_from(
        [
            *("nginx", "nginx:1.25", "1.25", "true", "null", "'q'", '"dq"', "a b", "x: y", "#x"),
            *("é", "-", "? x", "[a]", "{a}", "*a", "&a", "!t", "a\tb", "long " * 20, "\u2028"),
        ]
    ),
    st.text(min_size=1, max_size=12),
)
DUMP_STYLES = st.fixed_dictionaries(
    {
        "default_style": st.sampled_from([None, '"', "'"]),
        "default_flow_style": st.sampled_from([False, True, None]),
        "width": st.sampled_from([20, 80, 4096]),
        "allow_unicode": st.booleans(),
    }
)


def dump(data: Any, style: dict[str, Any]) -> str:
    text = yaml.safe_dump(data, sort_keys=False, **style)
    # PyYAML's emitter does not round-trip every string (a NEL in a single-quoted scalar is
    # read back as a space); such text is not what the data says, so it proves nothing here.
    assume(yaml.safe_load(text) == data)
    return text


def check_spans(text: str, source: SourceText, uses: list[Any]) -> None:
    for use in uses:
        for span in (use.span, use.edit_span):
            if span is None:
                continue
            assert 0 <= span.start <= span.end <= len(text)
            assert (span.line, span.column) == source.position(span.start)
        if use.edit_span is not None:
            assert text[use.edit_span.start : use.edit_span.end] == use.reference.original


@given(
    st.lists(IMAGES, min_size=1, max_size=4), st.sampled_from(["Pod", "Deployment"]), DUMP_STYLES
)
def test_kubernetes_finds_every_image_as_written(
    images: list[str], kind: str, style: dict[str, Any]
) -> None:
    spec = {"containers": [{"name": f"c{n}", "image": image} for n, image in enumerate(images)]}
    if kind == "Deployment":
        spec = {"template": {"spec": spec}}
    text = dump({"apiVersion": "v1", "kind": kind, "spec": spec}, style)
    source = SourceText("pod.yaml", text)
    document = kubernetes.parse(source, Settings())
    assert not document.problems
    found = [
        use.reference.original
        for use in document.images
        if not isinstance(use.reference, UnresolvedRef)
    ]
    # A Go template action (closed or not) or a shell-style variable (``$IMAGE``, for envsubst)
    # leaves its image unresolved, never a literal name.
    templated = [image for image in images if "{{" in image or find_variables(image)]
    assert Counter(found) == Counter(images) - Counter(templated)
    unresolved = [use for use in document.images if isinstance(use.reference, UnresolvedRef)]
    assert len(unresolved) == len(templated)
    check_spans(text, source, document.images)


@given(st.lists(IMAGES, min_size=1, max_size=4), DUMP_STYLES)
def test_compose_finds_every_image_as_written(images: list[str], style: dict[str, Any]) -> None:
    services = {f"s{n}": {"image": image} for n, image in enumerate(images)}
    text = dump({"services": services}, style)
    # No .env beside a file in a directory that does not exist.
    source = SourceText("/nonexistent/compose.yaml", text)
    document = compose.parse(source, Settings())
    for use in document.images:
        image = services[use.container or ""]["image"]
        if "$" not in image:
            assert use.reference.original == image
        else:
            assert use.edit_span is None  # variables are never replaced by a literal
    assert len(document.images) + len(document.problems) == len(images)
    check_spans(text, source, document.images)


@given(IMAGES, IMAGES, IMAGES, DUMP_STYLES)
def test_workflow_finds_container_service_and_step_images(
    container: str, service: str, step: str, style: dict[str, Any]
) -> None:
    job = {
        "runs-on": "ubuntu-latest",
        "container": {"image": container},
        "services": {"db": {"image": service}},
        "steps": [{"uses": f"docker://{step}"}],
    }
    text = dump({"on": "push", "jobs": {"test": job}}, style)
    source = SourceText("ci.yml", text)
    document = workflow.parse(source, Settings())
    # An empty container or service image starts no container; a step always names one.
    expected = [image for image in (container, service) if image] + [step]
    found = [
        use.reference.original
        for use in document.images
        if not isinstance(use.reference, UnresolvedRef)
    ]
    # The runner expands only ${{ }} expressions in images; a shell-style $VAR is literal text.
    known = [image for image in expected if "${{" not in image]
    assert Counter(found) == Counter(known)
    check_spans(text, source, document.images)
