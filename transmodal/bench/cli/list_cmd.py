"""``transmodal list [tasks|models|metrics]``: what is registered (instant: no model code loads)."""

from __future__ import annotations

from transmodal import registry
from transmodal.types import ModelEntry, TaskSpec, TransmodalError


def add_parser(sub) -> None:
    parser = sub.add_parser("list", help="list tasks, models and metrics")
    parser.add_argument("what", nargs="?", choices=("tasks", "models", "metrics"), help="one kind only")
    parser.set_defaults(handler=handle)


def _describe(kind: str, name: str) -> str:
    try:
        obj = getattr(registry, kind).get(name)
    except TransmodalError as error:
        return f"  {name:28s} (unavailable: {error})"
    if isinstance(obj, TaskSpec):
        metrics = ", ".join(m.label() for m in obj.metrics)
        return f"  {name:28s} {obj.source.value}->{obj.target.value} {obj.kind:11s} [{metrics}]"
    if isinstance(obj, ModelEntry):
        direction = f"{obj.source.value}->{obj.target.value}" if obj.target else f"{obj.source.value} embedder"
        offline = "offline" if obj.card.offline else f"needs weights: {obj.card.prefetch or obj.card.weights_source}"
        return f"  {name:28s} {direction:16s} {obj.card.license:14s} {offline}"
    if kind == "tasks" and callable(obj):
        import inspect

        needed = [p.name for p in inspect.signature(obj).parameters.values() if p.default is inspect.Parameter.empty]
        return f"  {name:28s} builder: --task-param {' '.join(f'{p}=...' for p in needed)}"
    info = getattr(obj, "info", None)
    if info is not None:
        arrow = {True: "higher is better", False: "lower is better", None: "informational"}[info.higher_is_better]
        return f"  {name:28s} {info.display_name} ({info.kind}, {arrow})"
    return f"  {name}"


def handle(args) -> int:
    kinds = [args.what] if args.what else ["tasks", "models", "metrics"]
    for kind in kinds:
        print(f"{kind}:")
        for name in getattr(registry, kind).names():
            print(_describe(kind, name))
    return 0
