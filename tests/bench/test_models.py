"""Model strings: registry names, module:factory, and declared chains A>B."""

from __future__ import annotations

import numpy as np
import pytest

from transmodal.bench.models import EmbedPairs, for_task, load_model
from transmodal.types import Modality, Sample, TransmodalError


def test_module_factory_and_params_reach_the_model():
    loaded = load_model("tests.bench.toy:reverser", params={"noisy": True})
    assert loaded.model.noisy is True and loaded.params == {"noisy": True}


def test_chain_of_two_translators_is_a_round_trip_with_its_own_fingerprint():
    single = load_model("tests.bench.toy:reverser").model
    chain = load_model("tests.bench.toy:reverser>tests.bench.toy:reverser").model
    assert chain.translate([Sample("a", "one two three")], [0]) == ["one two three"]
    assert chain.fingerprint() != single.fingerprint()
    assert (chain.source, chain.target) == (Modality.TEXT, Modality.TEXT)


def test_chain_with_mismatched_modalities_is_refused():
    with pytest.raises(TransmodalError, match="cannot chain"):
        load_model("pil-text-render>whisper-tiny.en")


def test_task_and_model_directions_must_agree():
    loaded = load_model("pil-text-render")
    with pytest.raises(TransmodalError, match="maps text->image but the task needs audio->text"):
        for_task(loaded, "translation", Modality.AUDIO, Modality.TEXT)


class _Embedder:
    def fingerprint(self):
        return "e" * 64

    def embed_text(self, texts):
        vectors = np.array([[len(t), t.count(" ") + 1.0] for t in texts], dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_embed_pairs_stacks_source_and_reference_embeddings_per_sample():
    pairs = EmbedPairs(_Embedder(), Modality.TEXT, Modality.TEXT)
    batch = [Sample("a", "one two", ("x", "y y")), Sample("b", "three", ("z",))]
    out = pairs.translate(batch, [0, 0])
    assert [o.shape for o in out] == [(3, 2), (2, 2)]
    assert np.allclose(out[1][1], _Embedder().embed_text(["z"])[0])


def test_translator_then_embedder_embeds_the_translation():
    from transmodal.bench.models import TranslatedEmbedder
    from tests.bench.toy import Reverser

    chained = TranslatedEmbedder(Reverser(), _Embedder())
    assert np.allclose(chained.embed_text(["a b c"]), _Embedder().embed_text(["c b a"]))
    with pytest.raises(TransmodalError, match="no embed_image"):
        EmbedPairs(_Embedder(), Modality.IMAGE, Modality.TEXT)


def test_real_round_trip_render_then_ocr_returns_the_text(tmp_path):
    from transmodal.bench.runner import RunSpec, run

    result = run(RunSpec(task="ocr-roundtrip", model="pil-text-render>tesseract-eng", limit=3,
                         cache_dir=tmp_path / "c", output_dir=tmp_path / "r", progress=False))
    import jiwer

    from transmodal.records import read_sample_rows

    rows = read_sample_rows(result.path)
    expected = jiwer.cer([r["references"][0].lower() for r in rows], [r["output"].lower() for r in rows])
    assert result.record.metric("cer[normalizer=basic]").value == pytest.approx(expected, abs=0.02)
    assert result.record.metric("cer[normalizer=basic]").value < 0.05
