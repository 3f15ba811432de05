"""Pending edges: an edge whose source is placed, waiting for whatever comes next.

The structured layout (:mod:`.flow`) routes edges the way the edge builder builds them: every
element receives the pending edges that lead into it, with the polyline drawn so far, and hands
back those that leave it. Pending edges that end at one point merge (:func:`merge`) and carry on
as one, so a route shared by many edges is drawn once.
"""

from __future__ import annotations

__all__ = ["LabelSpec", "Pending", "merge"]

LabelSpec = tuple[str, float, float, float, float]
"""A label's text and flow-space rectangle ``(u, v, across, along)``."""


class Pending:
    """An edge whose source is placed and whose target is whatever comes next."""

    __slots__ = (
        "back",
        "error",
        "followers",
        "join",
        "label",
        "labels",
        "parent",
        "points",
        "source",
    )

    def __init__(
        self,
        source: str,
        points: list[tuple[float, float]],
        label: str | None = None,
        back: bool = False,
        error: bool = False,
    ) -> None:
        self.source = source
        self.points = points
        self.label = label
        self.back = back
        self.error = error
        self.labels: list[LabelSpec] = []
        self.followers: list[Pending] = []
        """Edges that merged into this one: they stop where they joined it (see merge)."""
        self.parent: Pending | None = None
        self.join = 0
        """For a follower: the index in its parent's points of the point where it joined."""

    def members(self) -> list[Pending]:
        """This edge and every edge that merged into it, directly or not."""
        out = [self]
        index = 0
        while index < len(out):
            out.extend(out[index].followers)
            index += 1
        return out

    def to(self, u: float, v: float) -> Pending:
        """Extend the polyline to ``(u, v)`` (a repeated point is not added)."""
        last = self.points[-1]
        if abs(last[0] - u) > 1e-6 or abs(last[1] - v) > 1e-6:
            self.points.append((u, v))
        return self


def merge(pending: list[Pending]) -> list[Pending]:
    """Pending edges ending at one point continue as one bundle: the first carries on, the
    others stop there. Without this, edges merging level after level in deeply nested code
    would each repeat the whole shared route (output quadratic in the depth)."""
    if len(pending) < 2:
        return pending
    lead = pending[0]
    for p in pending[1:]:
        lead.followers.append(p)
        p.parent = lead
        p.join = len(lead.points) - 1
    return [lead]
