"""The issue's targets, each printed with the figure measured beside it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    figure: str  # "uncached tree 151x orjson"
    target: str  # "≤ 20x"
    met: bool | None  # None: reported, no pass or fail


@dataclass
class Scorecard:
    lines: list[Line] = field(default_factory=list)

    def add(self, figure: str, target: str, met: bool | None = None) -> None:
        self.lines.append(Line(figure, target, met))

    def print(self, heading: str) -> None:
        print(f"\n{heading}")
        for line in self.lines:
            verdict = {True: "met", False: "NOT met", None: "reported"}[line.met]
            print(f"  {line.figure} (target {line.target}): {verdict}")
