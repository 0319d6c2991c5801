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
    "fid": "transmodal.metrics.fid:FID",
    "kid": "transmodal.metrics.kid:KID",
    "clip-score": "transmodal.metrics.clip_score:CLIPScore",
    "ref-clip-score": "transmodal.metrics.clip_score:RefCLIPScore",
    "recall@k": "transmodal.metrics.retrieval:RecallAtK",
    "mrr": "transmodal.metrics.retrieval:MeanReciprocalRank",
    "median-rank": "transmodal.metrics.retrieval:MedianRank",
    "snr": "transmodal.metrics.audio:SNR",
    "si-snr": "transmodal.metrics.audio:SISNR",
    "audio-duration": "transmodal.metrics.audio:AudioDuration",
    "intelligibility-wer": "transmodal.metrics.intelligibility:IntelligibilityWER",
    "intelligibility-cer": "transmodal.metrics.intelligibility:IntelligibilityCER",
}
