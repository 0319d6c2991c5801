"""Built-in metrics: name -> ``"module:Class"`` of a :class:`~transmodal.metrics.base.Metric`.

A task names metrics by these names (with options, e.g. ``normalizer``); the class
is built as ``Class(**options)``.
"""

BUILTIN_METRICS: dict[str, str] = {
    "bleu": "transmodal.metrics.bleu:BLEU",
    "chrf": "transmodal.metrics.chrf:ChrF",
    "chrf++": "transmodal.metrics.chrf:ChrFPlusPlus",
    "wer": "transmodal.metrics.error_rate:WordErrorRate",
    "cer": "transmodal.metrics.error_rate:CharErrorRate",
    "cider-d": "transmodal.metrics.cider:CIDErD",
}
