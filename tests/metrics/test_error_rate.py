"""transmodal/metrics/error_rate.py against jiwer (wer, cer) and hand-computed cases."""

import random

import numpy as np
import pytest

jiwer = pytest.importorskip("jiwer")

from transmodal import registry  # noqa: E402
from transmodal.metrics.error_rate import CharErrorRate, WordErrorRate, cer, wer  # noqa: E402
from transmodal.metrics.normalizers import get_normalizer  # noqa: E402
from transmodal.types import MetricSpec, Sample, TransmodalError  # noqa: E402

WORDS = ["the", "cat", "sat", "on", "mat", "Hello,", "world!", "naïve", "Straße", "猫", "don't", "colour", "twenty"]
SPACES = [" ", " ", " ", "  ", " \t ", "\t", "\n"]


def _text(rng, k):
    out = ""
    for i in range(k):
        out += (rng.choice(SPACES) if i else rng.choice(["", " ", "  "])) + rng.choice(WORDS)
    return out + rng.choice(["", " ", "\t"])


def _corpus(n, seed=0, empty_rate=0.1):
    rng = random.Random(seed)
    refs = [_text(rng, rng.randint(1, 12)) for _ in range(n)]
    preds = ["" if rng.random() < empty_rate else _text(rng, rng.randint(0, 12)) for _ in range(n)]
    return preds, refs


def _samples(refs):
    return [Sample(str(i), "audio", (ref, "an ignored second reference")) for i, ref in enumerate(refs)]


@pytest.mark.parametrize("seed", range(10))
def test_wer_and_cer_equal_jiwer_with_odd_whitespace_and_empty_predictions(seed):
    preds, refs = _corpus(80, seed=seed)
    assert wer(preds, refs) == pytest.approx(jiwer.wer(refs, preds), rel=1e-12)
    assert cer(preds, refs) == pytest.approx(jiwer.cer(refs, preds), rel=1e-12)


def test_plain_spaces_fast_path_equals_jiwer():
    rng = random.Random(1)
    refs = [" ".join(rng.choices(WORDS, k=rng.randint(1, 15))) for _ in range(300)]
    preds = [" ".join(w for w in r.split() if rng.random() < 0.9) + " " + rng.choice(WORDS) for r in refs]
    assert wer(preds, refs) == pytest.approx(jiwer.wer(refs, preds), rel=1e-12)


@pytest.mark.parametrize("name", ["basic", "whisper-en"])
def test_normalizers_equal_jiwer_on_normalized_text(name):
    preds, refs = _corpus(60, seed=11)
    norm = get_normalizer(name)
    n_preds, n_refs = [norm(p) for p in preds], [norm(r) for r in refs]
    assert wer(preds, refs, normalizer=name) == pytest.approx(jiwer.wer(n_refs, n_preds), rel=1e-12)
    assert cer(preds, refs, normalizer=name) == pytest.approx(jiwer.cer(n_refs, n_preds), rel=1e-12)
    assert wer(preds, refs, normalizer=name) != wer(preds, refs)


def test_hand_computed_cases():
    assert wer(["a x c"], ["a b c"]) == pytest.approx(1 / 3)
    assert wer(["a b c d"], ["a b c"]) == pytest.approx(1 / 3)  # one insertion
    assert wer([""], ["a b c"]) == 1.0  # three deletions
    assert wer(["a x c", "d"], ["a b c", "d e"]) == pytest.approx(2 / 5)  # corpus, not mean of ratios
    assert cer(["abd"], ["abc"]) == pytest.approx(1 / 3)
    assert cer(["a  c"], ["a c"]) == pytest.approx(1 / 3)  # spaces are characters; runs kept
    assert wer(["Hello, World!"], ["hello world"], normalizer="whisper-en") == 0.0


def test_empty_references_follow_jiwer():
    # prediction words count as insertions; no reference words in the denominator
    assert wer(["a b c"], [""]) == jiwer.wer([""], ["a b c"]) == 3.0
    assert wer([""], [""]) == jiwer.wer([""], [""]) == 0.0
    assert wer(["a", "x y"], ["", "x"]) == pytest.approx(jiwer.wer(["", "x"], ["a", "x y"]))
    assert cer(["ab"], [""]) == jiwer.cer([""], ["ab"]) == 2.0


def test_metric_objects_read_first_reference_and_match_functional():
    preds, refs = _corpus(50, seed=3)
    for name, fn in (("wer", wer), ("cer", cer)):
        spec = MetricSpec(name, {"normalizer": "whisper-en"})
        metric = registry.metrics.get(name)(**spec.options)
        value = metric.evaluate(preds, _samples(refs))
        assert value.value == pytest.approx(fn(preds, refs, normalizer="whisper-en"), rel=1e-12)
        assert value.ci_low <= value.value <= value.ci_high
        assert metric.info.kind == "corpus" and not metric.info.higher_is_better
        sig = metric.signature()
        assert "norm:whisper-en" in sig and "jiwer-compatible" in sig
        assert get_normalizer("whisper-en").version in sig


def test_state_rows_are_edits_and_reference_lengths():
    rows = WordErrorRate().state(["a x c", ""], [Sample("0", "s", ("a b c",)), Sample("1", "s", ("d e",))])
    np.testing.assert_array_equal(rows, [[1, 3], [2, 2]])
    assert WordErrorRate().per_sample(rows).tolist() == [pytest.approx(1 / 3), 1.0]


def test_shard_merge_equals_all_at_once():
    preds, refs = _corpus(60, seed=4)
    metric = CharErrorRate()
    samples = _samples(refs)
    merged = np.concatenate([metric.state(preds[:25], samples[:25]), metric.state(preds[25:], samples[25:])])
    assert metric.finalize(merged).value == pytest.approx(jiwer.cer(refs, preds), rel=1e-12)


def test_bootstrap_interval_narrows_with_n():
    metric = WordErrorRate()
    small_preds, small_refs = _corpus(40, seed=5)
    big_preds, big_refs = _corpus(640, seed=6)
    small = metric.evaluate(small_preds, _samples(small_refs))
    big = metric.evaluate(big_preds, _samples(big_refs))
    assert small.ci_low <= small.value <= small.ci_high and big.ci_low <= big.value <= big.ci_high
    assert big.ci_high - big.ci_low < 0.6 * (small.ci_high - small.ci_low)


@pytest.mark.parametrize(
    "preds, refs, match",
    [
        ([b"a"], ["a"], "bytes"),
        (["a"], [None], "NoneType"),
        (["a\udc80"], ["a"], "UTF-8"),
        (["a", "b"], ["a"], "2 predictions but 1 references"),
        ("a b", "a b", "list of strings"),
    ],
)
def test_bad_input_is_one_line_error(preds, refs, match):
    with pytest.raises(TransmodalError, match=match) as info:
        wer(preds, refs)
    assert "\n" not in str(info.value)


def test_sample_without_reference_and_unknown_normalizer():
    with pytest.raises(TransmodalError, match="no reference"):
        WordErrorRate().state(["a"], [Sample("x", "s", ())])
    with pytest.raises(TransmodalError, match="unknown text normalizer"):
        WordErrorRate(normalizer="nope")
