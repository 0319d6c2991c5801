"""transmodal/metrics/chrf.py against sacrebleu's CHRF (chrF, chrF++) and hand cases."""

import random

import numpy as np
import pytest

sacrebleu = pytest.importorskip("sacrebleu")

from sacrebleu.metrics.chrf import CHRF as SacreCHRF  # noqa: E402

from transmodal import registry  # noqa: E402
from transmodal import stats as tm_stats  # noqa: E402
from transmodal.metrics.bleu import reference_streams  # noqa: E402
from transmodal.metrics.chrf import ChrF, ChrFPlusPlus, chrf, chrf_from_sums  # noqa: E402
from transmodal.types import Sample, TransmodalError  # noqa: E402

WORDS = "the a cat dog sat on mat é naïve Straße 猫 犬 , . ! ? (hi) don't".split()


def _corpus(n, seed=0, max_refs=3, empty_rate=0.1):
    rng = random.Random(seed)

    def sentence(k):
        return " ".join(rng.choices(WORDS, k=k))

    refs = [[sentence(rng.randint(1, 12)) for _ in range(rng.randint(1, max_refs))] for _ in range(n)]
    preds = ["" if rng.random() < empty_rate else sentence(rng.randint(1, 12)) for _ in refs]
    return preds, refs


def _peer(preds, refs, **options):
    return SacreCHRF(**options).corpus_score(preds, reference_streams(refs)).score


def _samples(refs):
    return [Sample(str(i), "src", tuple(group)) for i, group in enumerate(refs)]


OPTIONS = [
    {},
    {"word_order": 1},
    {"word_order": 2},
    {"lowercase": True},
    {"whitespace": True},
    {"eps_smoothing": True},
    {"word_order": 2, "eps_smoothing": True},
    {"beta": 1},
    {"beta": 3, "char_order": 4},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_equals_sacrebleu(options):
    preds, refs = _corpus(60, seed=1)
    options = dict(options)
    word_order = options.pop("word_order", 0)
    expected = _peer(preds, refs, word_order=word_order, **options)
    assert chrf(preds, refs, word_order=word_order, **options) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_equals_sacrebleu_on_tiny_corpora(seed):
    preds, refs = _corpus(random.Random(seed).randint(1, 3), seed=seed, empty_rate=0.3)
    for word_order in (0, 2):
        for eps in (False, True):
            expected = _peer(preds, refs, word_order=word_order, eps_smoothing=eps)
            assert chrf(preds, refs, word_order=word_order, eps_smoothing=eps) == pytest.approx(expected, abs=1e-9)


def test_hand_computed_cases():
    assert chrf(["abc"], [["abc"]]) == pytest.approx(100.0)
    assert chrf(["xyz"], [["abc"]]) == 0.0
    # char order 1 only: hyp "ab" vs ref "abcd": P = 1, R = 1/2, beta 2: 5*P*R/(4P+R) = 2.5/4.5
    assert chrf(["ab"], [["abcd"]], char_order=1) == pytest.approx(100 * 2.5 / 4.5)
    assert chrf([""], [["abc"]]) == 0.0 == _peer([""], [["abc"]])


def test_from_sums_vectorised_matches_sacrebleu_per_replicate():
    preds, refs = _corpus(40, seed=3, empty_rate=0.2)
    for options in ({}, {"word_order": 2}, {"eps_smoothing": True}, {"beta": 1}):
        peer = SacreCHRF(**options)
        rows = np.array(peer._extract_corpus_statistics(preds, reference_streams(refs)), dtype=np.float64)
        sums = np.concatenate([tm_stats.resample_counts(len(rows), 50, seed=0) @ rows, rows[:10]])
        ours = chrf_from_sums(sums, peer.beta, peer.eps_smoothing)
        expected = [peer._compute_score_from_stats(list(map(int, s))).score for s in sums]
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name, word_order", [("chrf", 0), ("chrf++", 2)])
def test_metric_object_value_and_signature(name, word_order):
    preds, refs = _corpus(30, seed=4, max_refs=1)
    metric = registry.metrics.get(name)()
    value = metric.evaluate(preds, _samples(refs))
    assert value.value == pytest.approx(chrf(preds, refs, word_order=word_order), rel=1e-12)
    peer = SacreCHRF(word_order=word_order)
    peer.corpus_score(preds, reference_streams(refs))
    assert str(peer.get_signature()) in metric.signature()
    assert metric.signature().startswith(name + "|nrefs:1|")
    assert metric.info.kind == "corpus" and metric.info.higher_is_better


def test_shard_merge_equals_all_at_once():
    preds, refs = _corpus(50, seed=5)
    metric = ChrFPlusPlus()
    samples = _samples(refs)
    merged = np.concatenate([metric.state(preds[:17], samples[:17]), metric.state(preds[17:], samples[17:])])
    np.testing.assert_array_equal(metric.state(preds, samples), merged)
    assert metric.finalize(merged).value == pytest.approx(_peer(preds, refs, word_order=2), rel=1e-12)


def test_bootstrap_interval_contains_value_and_narrows_with_n():
    metric = ChrF()
    small = metric.evaluate(*_args(40, 6))
    big = metric.evaluate(*_args(640, 7))
    for value in (small, big):
        assert value.ci_low <= value.value <= value.ci_high
    assert big.ci_high - big.ci_low < 0.6 * (small.ci_high - small.ci_low)


def _args(n, seed):
    preds, refs = _corpus(n, seed=seed, max_refs=1)
    return preds, _samples(refs)


def test_bad_input_and_options():
    with pytest.raises(TransmodalError, match="bytes"):
        chrf([b"x"], [["x"]])
    with pytest.raises(TransmodalError, match="at least one reference"):
        chrf(["x"], [[]])
    with pytest.raises(TransmodalError, match="2 predictions but 1 references"):
        chrf(["x", "y"], [["x"]])
    with pytest.raises(TransmodalError, match="unknown chrF option"):
        ChrF(order=3)
    with pytest.raises(TransmodalError, match="char_order \\+ word_order"):
        ChrF(char_order=0)
