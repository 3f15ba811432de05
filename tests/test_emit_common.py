"""The text helpers every emitter shares (durable_viz/emit/common.py)."""

from __future__ import annotations

import pytest

from durable_viz.emit.common import Identifiers, camel, name_pattern, pascal, snake, split_label


@pytest.mark.parametrize(
    ("label", "strict", "lenient"),
    [
        ("a-{x}-b", (("a-", "-b"), ("x",)), (("a-", "-b"), ("x",))),
        ("{a}{b}", (("", "", ""), ("a", "b")), (("", "", ""), ("a", "b"))),
        ("s-{ {a: 1}[k] }", (("s-", ""), (" {a: 1}[k] ",)), (("s-", ""), (" {a: 1}[k] ",))),
        ("plain", (("plain",), ()), (("plain",), ())),
        ("x}", None, (("x}",), ())),
        ("a{b", None, (("a", "{b"), ())),
        ("a{x}b}", None, (("a", "b}"), ("x",))),
    ],
)
def test_a_label_splits_into_texts_and_expressions(
    label: str,
    strict: tuple[tuple[str, ...], tuple[str, ...]] | None,
    lenient: tuple[tuple[str, ...], tuple[str, ...]],
) -> None:
    assert split_label(label) == strict
    assert split_label(label, strict=False) == lenient


def test_a_name_pattern_takes_its_holes_from_the_label() -> None:
    assert name_pattern("process-{}", "process-{item.id}").holes == ("item.id",)
    assert name_pattern("a-{}-b-{}", 'a-{x}-b-{y["k"]}').holes == ("x", 'y["k"]')
    assert name_pattern("x-{}", "y-{z}").holes == (None,)  # the label does not fit the name
    assert name_pattern("x-{}", "x-{z}", dynamic=False).is_literal


def test_identifiers_are_made_from_names_and_handed_out_once() -> None:
    assert (snake("validate-order"), camel("Send manifest v2"), pascal("3ds-check")) == (
        "validate_order",
        "sendManifestV2",
        "Value3dsCheck",
    )
    assert snake("class", reserved={"class"}) == "class_"
    assert snake("", fallback="") == "value"
    taken = Identifiers(["a"])
    assert [taken.take("a"), taken.take("a"), taken.take("v2"), taken.take("v2")] == [
        "a_2",
        "a_3",
        "v2",
        "v2x2",
    ]
