"""transmodal/metrics/bleu.py against sacrebleu's BLEU and hand-computed cases."""

import math
import random

import numpy as np
import pytest

sacrebleu = pytest.importorskip("sacrebleu")

from sacrebleu.metrics.bleu import BLEU as SacreBLEU  # noqa: E402

from transmodal import registry  # noqa: E402
from transmodal import stats as tm_stats  # noqa: E402
from transmodal.metrics.bleu import BLEU, bleu, bleu_from_sums, reference_streams  # noqa: E402
from transmodal.types import MetricSpec, Sample, TransmodalError  # noqa: E402

WORDS = "the a cat dog sat on mat é naïve Straße 猫 犬 , . ! ? (hi) don't".split()


def _corpus(n, seed=0, max_refs=3, empty_rate=0.1):
    rng = random.Random(seed)

    def sentence(k):
        return " ".join(rng.choices(WORDS, k=k))

    refs = [[sentence(rng.randint(1, 12)) for _ in range(rng.randint(1, max_refs))] for _ in range(n)]
    preds = []
    for group in refs:
        if rng.random() < empty_rate:
            preds.append("")
        else:
            words = [w if rng.random() < 0.7 else rng.choice(WORDS) for w in group[0].split()]
            preds.append(" ".join(words))
    return preds, refs


def _peer(preds, refs, **options):
    return SacreBLEU(**options).corpus_score(preds, reference_streams(refs)).score


def _samples(refs):
    return [Sample(str(i), "src", tuple(group)) for i, group in enumerate(refs)]


OPTIONS = [
    {},
    {"tokenize": "intl"},
    {"tokenize": "char"},
    {"tokenize": "none"},
    {"tokenize": "zh"},
    {"lowercase": True},
    {"smooth_method": "floor"},
    {"smooth_method": "floor", "smooth_value": 0.3},
    {"smooth_method": "add-k"},
    {"smooth_method": "add-k", "smooth_value": 2},
    {"smooth_method": "none"},
    {"effective_order": True},
    {"smooth_method": "none", "effective_order": True},
    {"max_ngram_order": 2},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_equals_sacrebleu_with_options_multiple_and_variable_refs(options):
    preds, refs = _corpus(60, seed=1)
    assert len({len(group) for group in refs}) > 1  # variable number of references
    assert bleu(preds, refs, **options) == pytest.approx(_peer(preds, refs, **options), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("seed", range(25))
def test_equals_sacrebleu_on_tiny_corpora_where_smoothing_matters(seed):
    preds, refs = _corpus(random.Random(seed).randint(1, 4), seed=seed, empty_rate=0.3)
    for method in ("exp", "floor", "add-k", "none"):
        for eff in (False, True):
            expected = _peer(preds, refs, smooth_method=method, effective_order=eff)
            assert bleu(preds, refs, smooth_method=method, effective_order=eff) == pytest.approx(expected, abs=1e-9)


def test_hand_computed_cases():
    assert bleu(["the cat sat on the mat"], [["the cat sat on the mat"]]) == pytest.approx(100.0)
    assert bleu(["dog dog dog"], [["the cat sat on the mat"]]) == 0.0
    # all n-gram precisions 1, c = 4, r = 8: BP = exp(1 - 8/4)
    assert bleu(["a b c d"], [["a b c d e f g h"]]) == pytest.approx(100 * math.exp(-1.0))
    # closest reference length (4) is used: no brevity penalty
    assert bleu(["a b c d"], [["a b c d e f g h", "a b c d"]]) == pytest.approx(100.0)


def test_empty_hypotheses():
    preds, refs = ["", "the cat sat on the mat"], [["a b c"], ["the cat sat on the mat"]]
    assert bleu(preds, refs) == pytest.approx(_peer(preds, refs))
    assert bleu([""], [["a b c"]]) == 0.0 == _peer([""], [["a b c"]])


def test_from_sums_vectorised_matches_sacrebleu_compute_bleu_per_replicate():
    preds, refs = _corpus(40, seed=3, empty_rate=0.2)
    for options in ({}, {"smooth_method": "floor"}, {"smooth_method": "add-k"}, {"smooth_method": "none"},
                    {"effective_order": True}):
        peer = SacreBLEU(**options)
        rows = np.array(peer._extract_corpus_statistics(preds, reference_streams(refs)), dtype=np.float64)
        # bootstrap-like sums plus small subsets where zero matches/totals occur
        sums = np.concatenate([tm_stats.resample_counts(len(rows), 50, seed=0) @ rows, rows[:10], rows[:3].cumsum(0)])
        ours = bleu_from_sums(sums, peer.smooth_method, peer.smooth_value, peer.effective_order)
        expected = [peer._compute_score_from_stats(list(map(int, s))).score for s in sums]
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


def test_metric_object_matches_functional_and_signature_is_sacrebleus():
    preds, refs = _corpus(30, seed=4, max_refs=2)
    metric = registry.metrics.get("bleu")(**MetricSpec("bleu", {"tokenize": "intl"}).options)
    value = metric.evaluate(preds, _samples(refs))
    assert value.value == pytest.approx(bleu(preds, refs, tokenize="intl"), rel=1e-12)
    peer = SacreBLEU(tokenize="intl")
    peer.corpus_score(preds, reference_streams(refs))
    sig = metric.signature()
    assert str(peer.get_signature()) in sig
    assert sig.startswith("bleu|") and "|transmodal:" in sig and "nrefs:var" in sig


def test_signature_fixed_reference_count():
    metric = BLEU()
    metric.state(["a b c"], [Sample("0", "s", ("a b c",))])
    assert f"bleu|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:{sacrebleu.__version__}|" in metric.signature()


def test_shard_merge_equals_all_at_once():
    preds, refs = _corpus(50, seed=5)
    metric = BLEU()
    samples = _samples(refs)
    whole = metric.state(preds, samples)
    merged = np.concatenate([metric.state(preds[:20], samples[:20]), metric.state(preds[20:], samples[20:])])
    np.testing.assert_array_equal(whole, merged)
    assert metric.finalize(merged).value == pytest.approx(_peer(preds, refs), rel=1e-12)


def test_bootstrap_interval_contains_value_and_narrows_with_n():
    metric = BLEU()
    small_preds, small_refs = _corpus(40, seed=6, max_refs=1)
    big_preds, big_refs = _corpus(640, seed=7, max_refs=1)
    small = metric.evaluate(small_preds, _samples(small_refs))
    big = metric.evaluate(big_preds, _samples(big_refs))
    for value in (small, big):
        assert value.ci_low <= value.value <= value.ci_high
        assert value.ci_method == "bootstrap-percentile" and value.n in (40, 640)
    assert big.ci_high - big.ci_low < 0.6 * (small.ci_high - small.ci_low)


@pytest.mark.parametrize(
    "preds, refs, match",
    [
        ([b"bytes"], [["x"]], "bytes"),
        ([None], [["x"]], "NoneType"),
        (["\udcff"], [["x"]], "UTF-8"),
        (["a", "b"], [["x"]], "2 predictions but 1 references"),
        (["a"], [[]], "at least one reference"),
        (["a"], ["x"], "list of reference strings"),
        ([], [], "no predictions"),
    ],
)
def test_bad_input_is_one_line_error(preds, refs, match):
    with pytest.raises(TransmodalError, match=match) as info:
        bleu(preds, refs)
    assert "\n" not in str(info.value)


def test_bad_options_are_errors():
    with pytest.raises(TransmodalError, match="unknown BLEU option"):
        BLEU(smoothing="exp")
    with pytest.raises(TransmodalError, match="unknown BLEU tokenizer"):
        BLEU(tokenize="nope")
    with pytest.raises(TransmodalError, match="smooth_method"):
        BLEU(smooth_method="nope")
