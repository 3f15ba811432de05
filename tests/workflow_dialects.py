"""How each language says what the workflow strategy draws (tests/workflow_strategy.py).

One :class:`Dialect` per language: which constructs its SDK and syntax have, and the texts its
parser gives conditions, loop headers, handlers and raises (labels are not compared by the round
trip, but emitters write them as comments and take loop variables from them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from durable_viz.graph import Kind

__all__ = ["DIALECTS", "Dialect"]


@dataclass(frozen=True)
class Dialect:
    """How one language says the constructs, as its parser reads them back.

    Attributes:
        language: the language's canonical name.
        workflow_name: the name its parser gives the handler we emit.
        do_while: the language has ``do ... while``.
        with_retry: the SDK has a retry helper.
        combinators: the promise combinators the SDK (or language) has.
        named_combinators: a combinator may carry an operation name.
        mixed_branches: a parallel may mix named and unnamed branches.
        submitter_body: a ``wait_for_callback`` submitter can run operations.
        max_handlers: catch clauses a ``try`` may have.
        catch_all: the label of a handler that catches every error.
        error_types: labels of typed handlers (and what guards raise).
        condition: the text of a condition over an input flag.
        for_each: the header of a for-each loop over a collection, given variable and field.
        while_loop: the header of a ``while`` over an input flag.
        infinite: the header of ``while true``.
        do_while_loop: the header of a do-while over an input flag.
        raise_label: the label of a guard's raise, given the error type.
        variable: how a plain (non-loop) runtime value is spelled in a name pattern.
        unnamed_retry: what the SDK names the backoff waits of an unnamed retry (Java).
    """

    language: str
    workflow_name: str
    do_while: bool
    with_retry: bool
    combinators: tuple[Kind, ...]
    named_combinators: bool
    mixed_branches: bool
    submitter_body: bool
    max_handlers: int
    catch_all: str
    error_types: tuple[str, ...]
    condition: Callable[[str], str]
    for_each: Callable[[str, str], str]
    while_loop: Callable[[str], str]
    infinite: str
    do_while_loop: Callable[[str], str]
    raise_label: Callable[[str], str]
    variable: str
    unnamed_retry: str | None = None


def _camel(words: str) -> str:
    first, *rest = words.split("_")
    return first + "".join(w.capitalize() for w in rest)


def _pascal(words: str) -> str:
    return "".join(w.capitalize() for w in words.split("_"))


DIALECTS: dict[str, Dialect] = {
    "python": Dialect(
        language="python",
        workflow_name="handler",
        do_while=False,
        with_retry=True,
        combinators=(),
        named_combinators=False,
        mixed_branches=True,
        submitter_body=True,
        max_handlers=2,
        catch_all="Exception",
        error_types=("ValueError", "KeyError"),
        condition=lambda flag: f'event["{flag}"]',
        for_each=lambda var, field_: f'for {var} in event["{field_}"]',
        while_loop=lambda flag: f'while event["{flag}"]',
        infinite="while True",
        do_while_loop=lambda flag: "",
        raise_label=lambda error: f"raise {error}",
        variable="order_id",
    ),
    "typescript": Dialect(
        language="typescript",
        workflow_name="handler",
        do_while=True,
        with_retry=True,
        combinators=(
            Kind.PROMISE_ALL,
            Kind.PROMISE_ANY,
            Kind.PROMISE_RACE,
            Kind.PROMISE_ALL_SETTLED,
        ),
        named_combinators=True,
        mixed_branches=True,
        submitter_body=True,
        max_handlers=1,
        catch_all="error",
        error_types=(),
        condition=lambda flag: f"event.{_camel(flag)}",
        for_each=lambda var, field_: f"for {var} of event.{_camel(field_)}",
        while_loop=lambda flag: f"while (event.{_camel(flag)})",
        infinite="while (true)",
        do_while_loop=lambda flag: f"do ... while (event.{_camel(flag)})",
        raise_label=lambda error: f"throw {error}",
        variable="orderId",
    ),
    "java": Dialect(
        language="java",
        workflow_name="OrderWorkflow",
        do_while=True,
        with_retry=True,
        combinators=(Kind.PROMISE_ALL, Kind.PROMISE_ANY),
        named_combinators=False,
        mixed_branches=True,
        submitter_body=False,
        max_handlers=2,
        catch_all="Exception",
        error_types=("IllegalStateException", "IllegalArgumentException"),
        condition=lambda flag: f"input.{_camel(flag)}()",
        for_each=lambda var, field_: f"for {var} : input.{_camel(field_)}()",
        while_loop=lambda flag: f"while input.{_camel(flag)}()",
        infinite="while true",
        do_while_loop=lambda flag: f"do … while input.{_camel(flag)}()",
        raise_label=lambda error: f"throw {error}",
        variable="orderId",
        unnamed_retry="retry",
    ),
    "csharp": Dialect(
        language="csharp",
        workflow_name="Workflow",
        do_while=True,
        with_retry=False,
        combinators=(),
        named_combinators=False,
        mixed_branches=False,
        submitter_body=False,
        max_handlers=2,
        catch_all="Exception",
        error_types=("InvalidOperationException", "ArgumentException"),
        condition=lambda flag: f"input.{_pascal(flag)}",
        for_each=lambda var, field_: f"foreach {var} in input.{_pascal(field_)}",
        while_loop=lambda flag: f"while input.{_pascal(flag)}",
        infinite="while true",
        do_while_loop=lambda flag: f"do … while input.{_pascal(flag)}",
        raise_label=lambda error: f"throw {error}",
        variable="orderId",
    ),
}
