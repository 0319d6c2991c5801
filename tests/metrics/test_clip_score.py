"""transmodal/metrics/clip_score.py: hand-checked Hessel maths, and torchmetrics' CLIPScore
on the same tiny random-init transformers CLIP model (no CLIP weights exist offline)."""

import numpy as np
import pytest

from transmodal.metrics.clip_score import (
    CLIPScore,
    RefCLIPScore,
    clip_score,
    pair_cosines,
    ref_clip_score,
    ref_clip_scores,
)
from transmodal.types import Sample, TransmodalError

try:  # pytest's default rootdir-relative module names; `tests.` when /work/main is on the path
    from reference_models.test_transformers_clip import build_tiny_clip
except ImportError:  # pragma: no cover
    from tests.reference_models.test_transformers_clip import build_tiny_clip


@pytest.fixture(scope="session")
def tiny_clip_dir(tmp_path_factory):
    return build_tiny_clip(tmp_path_factory.getbasetemp() / "openai-tiny-clip")  # shared within a session


# ---------------------------------------------------------------- functional, by hand


def test_clip_score_hand_computed():
    images = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 4.0]])
    texts = np.array([[1.0, 1.0], [0.0, -1.0], [4.0, 3.0]])
    cos = np.array([1 / np.sqrt(2), -1.0, 24 / 25])
    np.testing.assert_allclose(pair_cosines(images, texts), cos)
    assert clip_score(images, texts) == pytest.approx(2.5 * (cos[0] + 0 + cos[2]) / 3)
    assert clip_score(images, texts, w=1.0) == pytest.approx((cos[0] + cos[2]) / 3)


def test_ref_clip_score_hand_computed():
    images = np.array([[1.0, 0.0], [0.0, 1.0]])
    candidates = np.array([[1.0, 1.0], [1.0, 0.0]])
    refs = [np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[-1.0, 0.0]])]
    clip_side = np.array([2.5 / np.sqrt(2), 0.0])  # second: cos = 0
    text_side = np.array([1.0, 0.0])  # first: identical ref; second: cos -1 clamps to 0
    expected = [2 * clip_side[0] * text_side[0] / (clip_side[0] + text_side[0]), 0.0]
    np.testing.assert_allclose(ref_clip_scores(images, candidates, refs), expected)
    assert ref_clip_score(images, candidates, refs) == pytest.approx(np.mean(expected))


def test_functional_bad_input():
    with pytest.raises(TransmodalError):
        clip_score(np.ones((2, 3)), np.ones((3, 3)))
    with pytest.raises(TransmodalError):
        clip_score(np.zeros((1, 3)), np.ones((1, 3)))


# ---------------------------------------------------------------- metric objects with a fake judge


class VectorJudge:
    """Embeds texts and images by table lookup: exact cosines to check the metric's bookkeeping."""

    name = "vector-judge"
    context_length = 6  # "tokens" = words

    def __init__(self, table):
        self.table = table
        self.truncated_count = 0

    def fingerprint(self):
        return "f" * 64

    def embed_text(self, texts):
        self.truncated_count += sum(len(t.split()) > self.context_length for t in texts)
        return np.array([self.table[t] for t in texts], dtype=np.float32)

    def embed_image(self, images):
        return np.array([self.table[int(np.asarray(i)[0, 0, 0])] for i in images], dtype=np.float32)


def _image(code):
    return np.full((4, 4, 3), code, dtype=np.uint8)


def test_hessel_metric_both_directions_prefix_and_truncation_note():
    long_caption = "one two three four five"
    table = {
        1: [1.0, 0.0], 2: [0.0, 1.0],
        "A photo depicts a cat": [1.0, 1.0],
        "A photo depicts " + long_caption: [-1.0, 0.0],
        "a dog": [0.0, 1.0],
    }
    judge = VectorJudge(table)
    metric = CLIPScore(judge=judge)
    samples = [Sample("a", _image(1)), Sample("b", _image(1)), Sample("c", "a dog")]
    outputs = ["a cat", long_caption, _image(2)]  # two captions (prefixed) and one generated image
    value = metric.evaluate(outputs, samples)
    expected = [2.5 / np.sqrt(2), 0.0, 2.5]
    assert value.value == pytest.approx(np.mean(expected))
    np.testing.assert_allclose(value.per_sample, expected)
    assert any(note.startswith("1 texts in 3 samples were truncated") for note in value.notes)
    assert CLIPScore(judge=VectorJudge(table), batch_size=1).evaluate(outputs, samples).per_sample == value.per_sample
    sig = metric.signature()
    for part in ("convention:hessel", "judge:vector-judge", "judge_fp:ffff", "w:2.5", "keep-eot@6", "A photo depicts"):
        assert part in sig


def test_torchmetrics_convention_clamps_the_mean_not_each_pair():
    table = {1: [1.0, 0.0], 2: [0.0, 1.0], "up": [0.6, 0.8], "down": [-0.8, 0.6]}
    metric = CLIPScore(convention="torchmetrics", judge=VectorJudge(table))
    samples = [Sample("a", _image(1)), Sample("b", _image(1))]
    value = metric.evaluate(["up", "down"], samples)  # cosines 0.6 and -0.8, no prefix
    assert value.value == pytest.approx(max(100 * (0.6 - 0.8) / 2, 0.0))
    np.testing.assert_allclose(value.per_sample, [60.0, 0.0])
    value = metric.evaluate(["up", "up", "down"], samples + [Sample("c", _image(1))])
    assert value.value == pytest.approx(100 * (0.6 + 0.6 - 0.8) / 3)


def test_ref_clip_score_metric_and_errors():
    table = {1: [1.0, 0.0], "A photo depicts x": [1.0, 1.0], "A photo depicts r1": [0.0, 1.0],
             "A photo depicts r2": [1.0, 1.0]}
    metric = RefCLIPScore(judge=VectorJudge(table))
    value = metric.evaluate(["x"], [Sample("a", _image(1), references=("r1", "r2"))])
    a, b = 2.5 / np.sqrt(2), 1.0
    assert value.value == pytest.approx(2 * a * b / (a + b))
    with pytest.raises(TransmodalError, match="reference captions"):
        metric.state(["x"], [Sample("a", _image(1))])
    with pytest.raises(TransmodalError):
        RefCLIPScore(convention="torchmetrics")
    with pytest.raises(TransmodalError):
        CLIPScore(convention="openai")


# ---------------------------------------------------------------- torchmetrics on a tiny real CLIP


def _torchmetrics_score(folder, images, texts):
    """torchmetrics' CLIPScore; its model shim only unwraps transformers 5's pooler_output
    (torchmetrics 1.9.0 crashes there: Lightning-AI/torchmetrics#3407, fixed upstream in #3408)."""
    torch = pytest.importorskip("torch")
    tm = pytest.importorskip("torchmetrics.multimodal")
    from transformers import CLIPModel, CLIPProcessor

    class Unwrapped(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.inner, self.config = model, model.config

        def get_image_features(self, *args, **kwargs):
            out = self.inner.get_image_features(*args, **kwargs)
            return out if isinstance(out, torch.Tensor) else out.pooler_output

        def get_text_features(self, *args, **kwargs):
            out = self.inner.get_text_features(*args, **kwargs)
            return out if isinstance(out, torch.Tensor) else out.pooler_output

    def load():
        return Unwrapped(CLIPModel.from_pretrained(folder).eval()), CLIPProcessor.from_pretrained(folder)

    metric = tm.CLIPScore(model_name_or_path=load)
    metric.update([torch.from_numpy(np.ascontiguousarray(i.transpose(2, 0, 1))) for i in images], texts)
    return float(metric.compute())


def test_torchmetrics_mode_matches_torchmetrics(tiny_clip_dir):
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8) for h, w in [(40, 50), (32, 32), (64, 48), (37, 41)]]
    texts = ["a photo of a cat", "two dogs playing in the snow", "a red car", "an empty street at night, wet"]
    params = {"model": str(tiny_clip_dir)}
    ours = CLIPScore(convention="torchmetrics", judge="clip-vit-base-patch32-hf", judge_params=params, device="cpu")
    value = ours.evaluate(texts, [Sample(str(i), image) for i, image in enumerate(images)])  # image->text
    peer = _torchmetrics_score(str(tiny_clip_dir), images, texts)
    assert peer > 0 and min(value.per_sample) == 0.0  # non-trivial: some pairs clamp, the mean does not
    assert value.value == pytest.approx(peer, abs=1e-5)
    each = [_torchmetrics_score(str(tiny_clip_dir), [i], [t]) for i, t in zip(images, texts)]
    np.testing.assert_allclose(value.per_sample, each, atol=1e-5)
    t2i = ours.evaluate(images, [Sample(str(i), text) for i, text in enumerate(texts)])  # text->image
    assert t2i.value == pytest.approx(peer, abs=1e-5)
    assert "judge:clip-vit-base-patch32-hf" in ours.signature() and "keep-eot@77" in ours.signature()
    hessel = CLIPScore(judge="clip-vit-base-patch32-hf", judge_params=params, device="cpu", prefix="")
    assert hessel.evaluate(texts, ours_samples(images)).value == pytest.approx(
        np.mean([2.5 * max(v, 0.0) / 100 for v in each]), abs=1e-6)


def ours_samples(images):
    return [Sample(str(i), image) for i, image in enumerate(images)]


def test_hessel_default_judge_is_open_clip_and_matches_functional():
    pytest.importorskip("open_clip")
    metric = CLIPScore(judge_params={"pretrained": None}, device="cpu")  # random-init ViT-B/32 (~6 s): no weights offline
    assert metric.judge.name == "open-clip-vit-b-32"
    rng = np.random.default_rng(3)
    images = [rng.integers(0, 256, (48, 64, 3), dtype=np.uint8) for _ in range(3)]
    captions = ["a cat", "a dog on a sofa", " ".join(["very"] * 90) + " long"]
    value = metric.evaluate(captions, [Sample(str(i), image) for i, image in enumerate(images)])
    embedder = metric.judge.embedder
    expected = [clip_score(embedder.embed_image([i]), embedder.embed_text(["A photo depicts " + c]))
                for i, c in zip(images, captions)]
    np.testing.assert_allclose(value.per_sample, expected, atol=1e-6)
    assert any(note.startswith("1 texts in 3 samples") for note in value.notes)
    assert "judge:open-clip-vit-b-32" in metric.signature()
