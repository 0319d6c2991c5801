"""transmodal/metrics/cider.py against pycocoevalcap's Cider (CIDEr-D) and hand cases.

pycocoevalcap's ``Cider`` is the CIDEr-D scorer (clipped tf-idf, Gaussian length
penalty, sigma 6, x10). Its PTB tokenizer needs Java, so both sides get the same
already tokenised, lower-cased, whitespace-separated strings.
"""

import math
import random

import numpy as np
import pytest

pytest.importorskip("pycocoevalcap")

from pycocoevalcap.cider.cider import Cider  # noqa: E402

from transmodal import registry  # noqa: E402
from transmodal.metrics.cider import CIDErD, cider_d, cider_d_scores  # noqa: E402
from transmodal.metrics.normalizers import get_normalizer  # noqa: E402
from transmodal.types import Sample, TransmodalError  # noqa: E402

WORDS = "a the dog cat man woman sits on mat red blue big small runs grass with ball".split()


def _corpus(n, seed=0):
    rng = random.Random(seed)

    def sentence(k):
        return " ".join(rng.choices(WORDS, k=k))

    refs = [[sentence(rng.randint(1, 12)) for _ in range(rng.randint(1, 5))] for _ in range(n)]
    preds = [sentence(rng.choice([0, 1, 2, 4, 7, 10])) for _ in range(n)]
    return preds, refs


def _peer(preds, refs):
    gts = {i: list(group) for i, group in enumerate(refs)}
    res = {i: [pred] for i, pred in enumerate(preds)}
    return Cider().compute_score(gts, res)


@pytest.mark.parametrize("seed", range(8))
def test_equals_pycocoevalcap_cider_d(seed):
    preds, refs = _corpus(random.Random(seed).randint(2, 60), seed=seed)
    score, scores = _peer(preds, refs)
    np.testing.assert_allclose(cider_d_scores(preds, refs), scores, rtol=1e-12, atol=1e-12)
    assert cider_d(preds, refs) == pytest.approx(score, rel=1e-12, abs=1e-12)


def test_hand_computed_two_images():
    # df = 1 for every n-gram, |I| = 2: weights log 2; uni- and bigram cosines are 1,
    # no 3-/4-grams: mean over n of [1, 1, 0, 0] = 0.5, x10 = 5
    assert cider_d(["a b", "c d"], [["a b"], ["c d"]]) == pytest.approx(5.0)
    # a single image: log |I| = 0 makes every weight 0
    assert cider_d(["a b c"], [["a b c"]]) == 0.0
    # the length penalty uses bigram counts (coco-caption quirk): 3 vs 1 bigram
    got = cider_d_scores(["a b c d", "x y"], [["a b", "u v w"], ["x y"]])
    assert got[0] == pytest.approx(_peer(["a b c d", "x y"], [["a b", "u v w"], ["x y"]])[1][0])
    assert got[1] == pytest.approx(5.0)


def test_empty_caption_scores_zero():
    preds, refs = _corpus(10, seed=1)
    preds[3] = ""
    scores = cider_d_scores(preds, refs)
    assert scores[3] == 0.0
    np.testing.assert_allclose(scores, _peer(preds, refs)[1], rtol=1e-12)


def test_metric_object_is_per_sample_mean():
    preds, refs = _corpus(30, seed=2)
    metric = registry.metrics.get("cider-d")()
    samples = [Sample(str(i), "img", tuple(group)) for i, group in enumerate(refs)]
    value = metric.evaluate(preds, samples)
    assert metric.info.kind == "per_sample" and metric.info.higher_is_better
    assert value.value == pytest.approx(_peer(preds, refs)[0], rel=1e-12)
    np.testing.assert_allclose(value.per_sample, _peer(preds, refs)[1], rtol=1e-12)
    assert value.ci_low <= value.value <= value.ci_high
    assert "cider-d|" in metric.signature() and "norm:none" in metric.signature()


def test_normalizer_option_equals_scoring_normalized_text():
    preds = ["A Dog, on the grass!", "The red BALL."]
    refs = [["a dog on the grass", "dog on grass"], ["a red ball", "the ball is red"]]
    samples = [Sample(str(i), "img", tuple(group)) for i, group in enumerate(refs)]
    norm = get_normalizer("basic")
    expected = cider_d([norm(p) for p in preds], [[norm(r) for r in group] for group in refs])
    assert CIDErD(normalizer="basic").evaluate(preds, samples).value == pytest.approx(expected)
    assert CIDErD().evaluate(preds, samples).value < expected
    assert "norm:basic" in CIDErD(normalizer="basic").signature()


def test_bad_input():
    with pytest.raises(TransmodalError, match="at least one reference"):
        cider_d(["a"], [[]])
    with pytest.raises(TransmodalError, match="bytes"):
        cider_d([b"a"], [["a"]])
    with pytest.raises(TransmodalError, match="2 predictions but 1 references"):
        cider_d(["a", "b"], [["a"]])
    assert math.isfinite(cider_d(["a", "b"], [["a"], ["b"]]))
