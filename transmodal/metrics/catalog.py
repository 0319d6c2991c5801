"""Built-in metrics: name -> ``"module:Class"`` of a :class:`~transmodal.metrics.base.Metric`.

A task names metrics by these names (with options, e.g. ``normalizer``); the class
is built as ``Class(**options)``.
"""

BUILTIN_METRICS: dict[str, str] = {
}
