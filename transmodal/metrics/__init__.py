"""Metrics: a pure functional layer (``transmodal.metrics.functional``) and metric objects.

``transmodal.metrics.functional`` imports no torch model code; model-based metrics
(FID/KID, CLIPScore, intelligibility) load their judge lazily.
"""
