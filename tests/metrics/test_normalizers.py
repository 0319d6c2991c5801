"""transmodal/metrics/normalizers.py: the registry against whisper-normalizer itself."""

import pytest

from transmodal.metrics.base import package_version
from transmodal.metrics.normalizers import check_reference_lists, check_texts, get_normalizer, normalizer_names
from transmodal.types import TransmodalError

TEXTS = [
    "Hello, World!",
    "  I'm gonna  pay $20.50 for the colour TV [noise] (laughs) ",
    "Mr. Smith won't come at 3 o'clock; it's twenty-one past.",
    "Naïve café — Straße, 猫!",
    "",
]


def test_names():
    assert normalizer_names() == ["none", "basic", "whisper-en"]


def test_none_is_identity():
    norm = get_normalizer("none")
    assert get_normalizer(None) is norm
    assert norm.many(TEXTS) == TEXTS and [norm(t) for t in TEXTS] == TEXTS


def test_basic_equals_whisper_normalizer_basic():
    from whisper_normalizer.basic import BasicTextNormalizer

    peer = BasicTextNormalizer()
    norm = get_normalizer("basic")
    assert norm.many(TEXTS) == [peer(t) for t in TEXTS]
    assert norm("Hello, World!").split() == ["hello", "world"]


def test_whisper_en_equals_whisper_normalizer_english():
    from whisper_normalizer.english import EnglishTextNormalizer

    peer = EnglishTextNormalizer()
    norm = get_normalizer("whisper-en")
    assert norm.many(TEXTS) == [peer(t) for t in TEXTS]
    assert norm("I'm gonna pay twenty dollars") == "i am going to pay $20"


def test_versions_pin_the_package():
    version = package_version("whisper-normalizer")
    assert version != "none"
    assert get_normalizer("basic").version == get_normalizer("whisper-en").version == f"whisper-normalizer-{version}"


def test_unknown_name_lists_known_ones():
    with pytest.raises(TransmodalError) as info:
        get_normalizer("english")
    message = str(info.value)
    assert "\n" not in message and all(name in message for name in normalizer_names())


def test_check_texts():
    assert check_texts(("a", "b"), "x") == ["a", "b"]
    with pytest.raises(TransmodalError, match=r"x\[1\] is bytes"):
        check_texts(["a", b"b"], "x")
    with pytest.raises(TransmodalError, match=r"x\[0\] is not valid UTF-8"):
        check_texts(["\ud800"], "x")
    with pytest.raises(TransmodalError, match="single str"):
        check_texts("abc", "x")
    with pytest.raises(TransmodalError, match=r"refs\[1\] is empty"):
        check_reference_lists([["a"], []], "refs")
