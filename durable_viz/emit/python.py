"""A workflow written as a Python handler for ``aws-durable-execution-sdk-python``.

``emit(workflow)`` returns the source of a module whose ``@durable_execution`` handler holds every
operation, branch, loop, condition and try block of the workflow, in the style of our examples:
operations run on the context with their names and config, the work of each step is a
``@durable_step`` stub marked TODO, conditions call stub predicates (the original condition in a
comment), loops run over a placeholder collection of the input. Parsed back with durable-viz's
Python parser it draws the same workflow; what Python cannot say is written the closest way and
listed in the module docstring.
"""

from __future__ import annotations

from durable_viz.emit.common import Identifiers, words
from durable_viz.emit.python_fanout import namer_params
from durable_viz.emit.python_module import Frame, Module, render
from durable_viz.emit.python_statements import Statements
from durable_viz.emit.python_values import (
    RESERVED,
    expression_names,
    is_identifier,
    loop_header,
    split_label,
)
from durable_viz.graph import Kind, Workflow, walk
from durable_viz.parsers.base import run_deep

__all__ = ["emit"]

# Names the generated code uses for parameters and locals of its own.
_OWN_NAMES = frozenset(
    {"event", "context", "ctx", "attempt", "callback_id", "item", "index", "items", "state"}
)


def emit(workflow: Workflow) -> str:
    """The source of a Python module with a handler that draws as ``workflow``.

    Args:
        workflow: the workflow to write (from any language's parser, or a JSON document).

    Returns:
        The module's text. It compiles, and parses back to the same workflow except where its
        docstring lists an adaptation.
    """
    # A workflow nested thousands deep (a generated file) recurses as deep as it nests.
    return run_deep(lambda: _emit(workflow))


def _emit(workflow: Workflow) -> str:
    variables = frozenset(_source_names(workflow))
    names = Identifiers(RESERVED | _OWN_NAMES | variables)
    module = Module(names, variables)
    # Python names functions in snake_case: Java's ``PaymentSaga`` is ``payment_saga`` here.
    handler = "_".join(words(workflow.name))
    if not handler or handler in RESERVED or handler in _OWN_NAMES or handler[0].isdigit():
        handler = f"{handler}_handler".lstrip("_") if handler else "handler"
        handler = handler if handler[0].isalpha() else f"workflow_{handler}"
    handler = names.take(handler)
    writer = Statements(module)
    body = writer.block(workflow.nodes, Frame("context", {"event"}), "    ", function=True)
    any_type = module.use("Any")
    lines = [
        f"@{module.use('durable_execution')}",
        f"def {handler}(event: dict[str, {any_type}], "
        f"context: {module.use('DurableContext')}) -> {any_type}:",
        *body,
        "    return None  # TODO: the workflow's result",
    ]
    docstring = [
        f"{workflow.name}: a durable workflow handler scaffolded by durable-viz.",
        "",
        "Every operation, branch, loop, condition and try block of the workflow is in place,",
        "with its operation names and config; each TODO marks code to write.",
    ]
    return render(module, docstring, lines)


def _source_names(workflow: Workflow) -> set[str]:
    """Names the original code used that the generated code declares too (loop variables,
    item namer parameters, names interpolated in dynamic names): no stub may take them."""
    found: set[str] = set()
    for node in walk(workflow.nodes):
        if node.kind is Kind.LOOP:
            found.update(p.strip() for p in loop_header(node.label).target.split(","))
        if node.kind is Kind.MAP:
            found.update(namer_params(node.config.get("item_namer")))
        texts = [node.label] if node.dynamic else []
        texts.extend(b.label for b in node.blocks if b.dynamic and b.label)
        for text in texts:
            split = split_label(text)
            for hole in split[1] if split else ():
                found.update(expression_names(hole) or ())
    return {name for name in found if is_identifier(name)}
