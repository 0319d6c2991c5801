"""Retrieval tasks: data layout, metric specs, and an end-to-end Recall@K on real MiniLM embeddings.

The runner's retrieval output per sample is ``[embed_source(source); embed_target(references)]``;
we build it here the same way and check the registered ``recall@k`` metric against a
brute-force numpy ranking written in this test.
"""

import numpy as np
import pytest

from transmodal.types import Modality, TransmodalError


def _outputs(samples, embed_source, embed_target):
    return [np.concatenate([embed_source([s.source]), embed_target(list(s.references))]) for s in samples]


def _brute_force_recall(outputs, k, direction):
    """Hit rate by full sort, independent of metrics/retrieval.py."""
    sources = np.stack([o[0] for o in outputs])
    refs = np.concatenate([o[1:] for o in outputs])
    owner = np.concatenate([[i] * (len(o) - 1) for i, o in enumerate(outputs)])
    from transmodal.metrics.retrieval import DIRECTION_ALIASES

    if DIRECTION_ALIASES.get(direction, direction) == "image_to_text":
        sim = sources @ refs.T
        hits = [bool(np.isin(np.argsort(-row, kind="stable")[:k], np.flatnonzero(owner == i)).any())
                for i, row in enumerate(sim)]
    else:
        sim = refs @ sources.T
        hits = [owner[j] in np.argsort(-row, kind="stable")[:k] for j, row in enumerate(sim)]
    return float(np.mean(hits))


def _metric(spec):
    from transmodal import registry

    return registry.metrics.get(spec.name)(**spec.options)


def test_builtin_tasks_are_registered_retrieval_specs():
    from transmodal import registry

    expected = {
        "photos-mini-retrieval": (Modality.IMAGE, Modality.TEXT, (1, 5, 10)),
        "captions-text-retrieval": (Modality.TEXT, Modality.TEXT, (1, 5, 10)),
        "librivox-speech-retrieval": (Modality.AUDIO, Modality.TEXT, (1, 5)),
    }
    for name, (source, target, ks) in expected.items():
        task = registry.tasks.get(name)
        assert (task.name, task.kind, task.source, task.target) == (name, "retrieval", source, target)
        options = [dict(spec.options) for spec in task.metrics]
        assert all(spec.name == "recall@k" for spec in task.metrics)
        directions = ("image_to_text", "text_to_image") if source is Modality.IMAGE else (
            "source_to_references", "references_to_source")  # neutral names off the image<->text pair
        assert sorted((o["direction"], o["k"]) for o in options) == sorted((d, k) for d in directions for k in ks)
        for spec in task.metrics:
            _metric(spec)  # every option is accepted by the metric class


def test_photos_mini_retrieval_samples():
    from transmodal.tasks.retrieval import PHOTOS_MINI_RETRIEVAL

    samples = PHOTOS_MINI_RETRIEVAL.load()
    assert len(samples) == 31
    assert all(s.source.is_file() and len(s.references) >= 3 for s in samples)
    assert all(isinstance(r, str) and r for s in samples for r in s.references)


def test_caption_pairs_split_first_from_other_captions():
    from transmodal.tasks.datasets.photos_mini import load_photos_mini
    from transmodal.tasks.retrieval import CAPTIONS_TEXT_RETRIEVAL

    photos = load_photos_mini()
    samples = CAPTIONS_TEXT_RETRIEVAL.load()
    for sample, photo in zip(samples, photos):
        assert sample.id == photo.id
        assert sample.source == photo.references[0]
        assert sample.references == photo.references[1:]
        assert sample.source not in sample.references
    assert CAPTIONS_TEXT_RETRIEVAL.dataset_id != "" and "first-vs-other" in CAPTIONS_TEXT_RETRIEVAL.dataset_id


def test_librivox_speech_retrieval_samples():
    from transmodal.tasks.retrieval import LIBRIVOX_SPEECH_RETRIEVAL

    samples = LIBRIVOX_SPEECH_RETRIEVAL.load()
    assert len(samples) == 10
    assert all(s.source.suffix == ".wav" and len(s.references) == 1 and isinstance(s.references[0], str)
               for s in samples)
    assert LIBRIVOX_SPEECH_RETRIEVAL.dataset_id.startswith("librivox-mini@")


@pytest.mark.slow
def test_captions_text_retrieval_end_to_end_with_minilm():
    from transmodal.reference_models.sentence_embedder import SentenceEmbedder
    from transmodal.tasks.retrieval import CAPTIONS_TEXT_RETRIEVAL

    embedder = SentenceEmbedder()
    samples = CAPTIONS_TEXT_RETRIEVAL.load()
    outputs = _outputs(samples, embedder.embed_text, embedder.embed_text)
    values = {}
    for spec in CAPTIONS_TEXT_RETRIEVAL.metrics:
        value = _metric(spec).evaluate(outputs, samples).value
        assert value == pytest.approx(_brute_force_recall(outputs, spec.options["k"], spec.options["direction"]))
        values[(spec.options["direction"], spec.options["k"])] = value
    # paraphrases of one photo should find each other far above chance (1/31 at k=1)
    forward, backward = "source_to_references", "references_to_source"  # text<->text uses the neutral names
    assert values[(forward, 1)] > 0.5 and values[(backward, 10)] > 0.9
    assert values[(forward, 1)] <= values[(forward, 5)] <= values[(forward, 10)]


def test_clap_audio_text_task_from_folder(tmp_path):
    import soundfile

    from transmodal.tasks.retrieval import clap_audio_text_task

    rng = np.random.default_rng(0)
    captions = {"rain": "rain falling on a roof", "dog": "a dog barking twice", "car": "a car engine idling"}
    for stem, text in captions.items():
        soundfile.write(tmp_path / f"{stem}.wav", rng.uniform(-0.1, 0.1, 8000).astype(np.float32), 16000)
        (tmp_path / f"{stem}.txt").write_text(text)
    task = clap_audio_text_task(tmp_path, ks=(1, 2))
    samples = task.load()
    assert (task.kind, task.source, task.target) == ("retrieval", Modality.AUDIO, Modality.TEXT)
    assert sorted(s.references[0] for s in samples) == sorted(captions.values())
    assert task.dataset_id.startswith(task.name + "@")
    # a perfect embedder (one axis per clip) scores 1.0 through the task's metrics
    axis = {s.id: i for i, s in enumerate(samples)}
    text_axis = {s.references[0]: axis[s.id] for s in samples}
    eye = np.eye(len(samples), dtype=np.float32)
    outputs = [np.stack([eye[axis[s.id]], eye[text_axis[s.references[0]]]]) for s in samples]
    assert all(_metric(spec).evaluate(outputs, samples).value == 1.0 for spec in task.metrics)
    (tmp_path / "dog.txt").write_text("a cat meowing")
    assert clap_audio_text_task(tmp_path, ks=(1, 2)).dataset_id != task.dataset_id


def test_builders_report_bad_paths(tmp_path):
    from transmodal.tasks.retrieval import clap_audio_text_task, image_text_retrieval_task

    with pytest.raises(TransmodalError, match="not found"):
        clap_audio_text_task(tmp_path / "missing.jsonl")
    (tmp_path / "m.jsonl").write_text('{"source": "nope.png", "reference": "x"}\n')
    with pytest.raises(TransmodalError, match="not found"):
        image_text_retrieval_task(tmp_path / "m.jsonl")
