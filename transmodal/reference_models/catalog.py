"""Built-in models: name -> ``"module:attr"`` of a :class:`~transmodal.types.ModelEntry`.

One adapter file per model family under ``transmodal/reference_models/``; each
imports its heavy back-end inside the factory, so listing models is instant.
"""

BUILTIN_MODELS: dict[str, str] = {
    "pocketsphinx-en-us": "transmodal.reference_models.pocketsphinx:POCKETSPHINX_EN_US",
    "whisper-tiny.en": "transmodal.reference_models.faster_whisper:WHISPER_TINY_EN",
    "whisper-base": "transmodal.reference_models.faster_whisper:WHISPER_BASE",
    "hf-whisper": "transmodal.reference_models.transformers_asr:HF_WHISPER",
    "hf-wav2vec2-ctc": "transmodal.reference_models.transformers_asr:HF_WAV2VEC2_CTC",
}
