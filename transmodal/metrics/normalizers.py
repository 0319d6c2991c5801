"""Named text normalisers for text metrics, and the text-input check they share.

A normaliser maps a transcript or caption to the form that is scored. Normaliser
versions moved published WER numbers (Whisper's English normaliser changed its
spelling map and number handling between releases), so every normaliser has a
``version`` that metric signatures record.

Registry (``get_normalizer(name)``):

* ``"none"``: the identity. WER/CER then use jiwer's default transforms only
  (collapse runs of whitespace, strip, split on spaces).
* ``"basic"``: Whisper's ``BasicTextNormalizer`` (lower-case, drop ``[...]``/``<...>``
  and ``(...)`` spans, replace symbols and punctuation by spaces, collapse
  whitespace), from the PyPI package ``whisper-normalizer``. Meant for
  non-English text; it keeps diacritics.
* ``"whisper-en"``: Whisper's ``EnglishTextNormalizer`` (the above plus
  contractions, filler words, British->American spelling and spoken numbers to
  digits), identical to OpenAI's ``whisper.normalizers.EnglishTextNormalizer``.

The package is imported only when a normaliser other than ``"none"`` is used.
Normalisers are applied to predictions and references alike, before scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from transmodal.metrics.base import package_version
from transmodal.types import TransmodalError


@dataclass(frozen=True)
class Normalizer:
    """A named text normaliser: ``normalizer(text) -> text``; ``version`` pins it."""

    name: str
    version: str
    apply: Callable[[str], str]

    def __call__(self, text: str) -> str:
        return self.apply(text)

    def many(self, texts: Sequence[str]) -> list[str]:
        """Normalise a list of texts (the identity returns a plain list copy)."""
        if self.name == "none":
            return list(texts)
        apply = self.apply
        return [apply(text) for text in texts]


def _identity(text: str) -> str:
    return text


def _whisper(class_name: str) -> Callable[[str], str]:
    try:
        if class_name == "BasicTextNormalizer":
            from whisper_normalizer.basic import BasicTextNormalizer as cls
        else:
            from whisper_normalizer.english import EnglishTextNormalizer as cls
    except ImportError as error:  # pragma: no cover - the package is a dependency
        raise TransmodalError(
            f"normalizer needs the 'whisper-normalizer' package: pip install whisper-normalizer ({error})"
        ) from None
    return cls()


NORMALIZERS: dict[str, str] = {
    "none": "identity",
    "basic": "whisper-normalizer BasicTextNormalizer",
    "whisper-en": "whisper-normalizer EnglishTextNormalizer (OpenAI Whisper's)",
}

_CACHE: dict[str, Normalizer] = {}


def normalizer_names() -> list[str]:
    """The registered normaliser names."""
    return list(NORMALIZERS)


def get_normalizer(name: str | None) -> Normalizer:
    """The normaliser called ``name`` (``None`` means ``"none"``); unknown names raise."""
    key = "none" if name is None else name
    if key in _CACHE:
        return _CACHE[key]
    if key == "none":
        normalizer = Normalizer("none", "1", _identity)
    elif key == "basic":
        normalizer = Normalizer(
            "basic", f"whisper-normalizer-{package_version('whisper-normalizer')}", _whisper("BasicTextNormalizer")
        )
    elif key == "whisper-en":
        normalizer = Normalizer(
            "whisper-en", f"whisper-normalizer-{package_version('whisper-normalizer')}", _whisper("EnglishTextNormalizer")
        )
    else:
        raise TransmodalError(f"unknown text normalizer {name!r}; known: {', '.join(NORMALIZERS)}")
    _CACHE[key] = normalizer
    return normalizer


def check_texts(texts: Sequence, what: str) -> list[str]:
    """Return ``texts`` as a list of ``str``, or raise a one-line error.

    Rejects non-``str`` items (``bytes`` must be decoded first, ``None`` is not an
    empty string) and strings that cannot be encoded as UTF-8 (lone surrogates,
    e.g. from ``errors="surrogateescape"`` decoding of invalid bytes).
    """
    if isinstance(texts, (str, bytes)):
        raise TransmodalError(f"{what} must be a list of strings, got a single {type(texts).__name__}")
    items = list(texts)
    for index, item in enumerate(items):
        if type(item) is not str:
            if isinstance(item, str):
                continue
            hint = " (decode bytes as UTF-8 first)" if isinstance(item, (bytes, bytearray)) else ""
            raise TransmodalError(f"{what}[{index}] is {type(item).__name__}, not str{hint}")
    try:
        "".join(items).encode("utf-8")
    except UnicodeEncodeError:
        for index, item in enumerate(items):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise TransmodalError(f"{what}[{index}] is not valid UTF-8 text (lone surrogate)") from None
    return items


def check_reference_lists(references: Sequence, what: str = "references") -> list[list[str]]:
    """``references[i]`` = the references of prediction i: a non-empty list of strings."""
    if isinstance(references, (str, bytes)):
        raise TransmodalError(f"{what} must be a list of lists of strings, got a single {type(references).__name__}")
    out: list[list[str]] = []
    for index, refs in enumerate(references):
        if isinstance(refs, (str, bytes)) or not isinstance(refs, Sequence):
            raise TransmodalError(
                f"{what}[{index}] must be a list of reference strings (wrap a single reference as [ref])"
            )
        if len(refs) == 0:
            raise TransmodalError(f"{what}[{index}] is empty: every prediction needs at least one reference")
        out.append(check_texts(refs, f"{what}[{index}]"))
    return out
