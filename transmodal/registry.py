"""Name -> object registries with lazy ``module:attr`` entries and plugins.

A registry maps a name to either an object or a string ``"package.module:attr"``
that is imported only on first use, so ``import transmodal`` and ``transmodal list``
load no model code. Third parties add entries without forking through the entry
point groups ``transmodal.tasks``, ``transmodal.models`` and ``transmodal.metrics``
(each entry point's value is a ``module:attr`` string, as in lm-eval's registry).

Unknown names raise :class:`TransmodalError` with close matches.
"""

from __future__ import annotations

import difflib
import importlib
from importlib import metadata
from typing import Any, Iterator

from transmodal.types import TransmodalError


def import_object(target: str) -> Any:
    """Import ``"package.module:attr.sub"`` and return the attribute."""
    module_name, _, attr_path = target.partition(":")
    if not module_name or not attr_path:
        raise TransmodalError(f"expected 'module:attr', got {target!r}")
    try:
        obj: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        raise TransmodalError(f"cannot import {module_name!r} for {target!r}: {error}") from error
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as error:
            raise TransmodalError(f"{module_name!r} has no attribute {attr_path!r}") from error
    return obj


class Registry:
    """A named collection of lazily imported objects of one kind."""

    def __init__(self, kind: str, entry_point_group: str, builtins: str = "") -> None:
        self.kind = kind
        self.entry_point_group = entry_point_group
        self.builtins = builtins
        self._entries: dict[str, Any] = {}
        self._plugins_loaded = False

    def register(self, name: str, target: Any, *, replace: bool = False) -> None:
        """Add ``name`` -> object or ``"module:attr"`` string."""
        if name in self._entries and not replace and self._entries[name] is not target:
            raise TransmodalError(f"{self.kind} {name!r} is already registered")
        self._entries[name] = target

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        if self.builtins:
            for name, target in import_object(self.builtins).items():
                self._entries.setdefault(name, target)
        for entry in metadata.entry_points(group=self.entry_point_group):
            self._entries.setdefault(entry.name, entry.value)

    def names(self) -> list[str]:
        """All registered names, sorted (built-ins and plugins)."""
        self._load_plugins()
        return sorted(self._entries)

    def __contains__(self, name: str) -> bool:
        self._load_plugins()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def get(self, name: str) -> Any:
        """The object registered as ``name`` (imported on first use).

        An unregistered ``package.module:attr`` is imported directly, so users can
        point at their own task, model or metric without registering it.
        """
        self._load_plugins()
        if name not in self._entries:
            if ":" in name:
                return import_object(name)
            raise TransmodalError(self.unknown_message(name))
        target = self._entries[name]
        if isinstance(target, str):
            target = import_object(target)
            self._entries[name] = target
        return target

    def unknown_message(self, name: str) -> str:
        close = difflib.get_close_matches(name, self.names(), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(self.names()) or 'none'}"
        return f"unknown {self.kind} {name!r}{hint}"


tasks = Registry("task", "transmodal.tasks", "transmodal.tasks.catalog:BUILTIN_TASKS")
models = Registry("model", "transmodal.models", "transmodal.reference_models.catalog:BUILTIN_MODELS")
metrics = Registry("metric", "transmodal.metrics", "transmodal.metrics.catalog:BUILTIN_METRICS")
