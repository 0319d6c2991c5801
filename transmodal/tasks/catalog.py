"""Built-in tasks: name -> ``"module:attr"`` of a :class:`~transmodal.types.TaskSpec`.

One task per file under ``transmodal/tasks/``; nothing here is imported until used.
"""

BUILTIN_TASKS: dict[str, str] = {
    # builders over the user's local copies of public data sets (run with --task-param key=value)
    "coco-t2i": "transmodal.tasks.text_to_image:coco_t2i_task",
    "karpathy-captions": "transmodal.tasks.image_to_text:karpathy_captions_task",
    "karpathy-retrieval": "transmodal.tasks.retrieval:karpathy_retrieval_task",
    "image-text-retrieval": "transmodal.tasks.retrieval:image_text_retrieval_task",
    "clap-audio-text": "transmodal.tasks.retrieval:clap_audio_text_task",
    "speech-corpus": "transmodal.tasks.speech_to_text:speech_task_from_corpus",
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
