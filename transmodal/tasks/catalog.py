"""Built-in tasks: name -> ``"module:attr"`` of a :class:`~transmodal.types.TaskSpec`.

One task per file under ``transmodal/tasks/``; nothing here is imported until used.
"""

BUILTIN_TASKS: dict[str, str] = {
    "tts-roundtrip": "transmodal.tasks.round_trips:TTS_ROUNDTRIP",
    "ocr-roundtrip": "transmodal.tasks.round_trips:OCR_ROUNDTRIP",
    "asr-tts-roundtrip": "transmodal.tasks.round_trips:ASR_TTS_ROUNDTRIP",
    "caption-roundtrip": "transmodal.tasks.round_trips:CAPTION_ROUNDTRIP",
    "prompts-mini-t2i": "transmodal.tasks.text_to_image:PROMPTS_MINI_T2I",
    "photos-mini-retrieval": "transmodal.tasks.retrieval:PHOTOS_MINI_RETRIEVAL",
    "captions-text-retrieval": "transmodal.tasks.retrieval:CAPTIONS_TEXT_RETRIEVAL",
    "librivox-speech-retrieval": "transmodal.tasks.retrieval:LIBRIVOX_SPEECH_RETRIEVAL",
    "tts-sentences": "transmodal.tasks.text_to_speech:TTS_SENTENCES",
    "librivox-mini": "transmodal.tasks.speech_to_text:LIBRIVOX_MINI",
    "photos-degradation": "transmodal.tasks.photos_degradation:PHOTOS_DEGRADATION",
    "rendered-text-ocr": "transmodal.tasks.image_to_text:RENDERED_TEXT_OCR",
    "photos-mini-captions": "transmodal.tasks.image_to_text:PHOTOS_MINI_CAPTIONS",
}
