"""Pure metric functions, ``predictions, references`` in that order.

Importable without torch models, weights or the network. Each function lives in its
metric family's file and is re-exported here; see that file's docstring for the
exact definition and the peer convention it matches.
"""

from transmodal.metrics.bleu import bleu
from transmodal.metrics.chrf import chrf
from transmodal.metrics.error_rate import cer, wer
from transmodal.metrics.cider import cider_d
from transmodal.metrics.fid import fid_from_features, frechet_distance
from transmodal.metrics.kid import kid_from_features
from transmodal.metrics.clip_score import clip_score
from transmodal.metrics.retrieval import recall_at_k

__all__ = [
    "bleu",
    "chrf",
    "wer",
    "cer",
    "cider_d",
    "frechet_distance",
    "fid_from_features",
    "kid_from_features",
    "clip_score",
    "recall_at_k",
]
