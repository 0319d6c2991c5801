"""Cross-modal retrieval tasks: a sample's source and its references share one embedding space.

The runner embeds each sample as a float32 array ``[1 + R, D]``: row 0 =
``embed_<source>(sample.source)``, rows 1..R = ``embed_<target>(sample.references)``
(the model is an Embedder, ``kind="retrieval"``). ``recall@k``
(``metrics/retrieval.py``) ranks over the whole set by dot product (cosine for our
L2-normalised embedders) and counts a query as a hit when a relevant candidate is in
its top K — the CLIP_benchmark convention:

* ``direction="image_to_text"``: each *source* row queries all reference rows; its own
  references are relevant (CLIP_benchmark "text retrieval").
* ``direction="text_to_image"``: each *reference* row queries all source rows; its own
  source is relevant (CLIP_benchmark "image retrieval").

For other modality pairs (text<->text, speech->text) the tasks use the metric's
neutral names for the same two directions: ``source_to_references`` and
``references_to_source``.

Built-in tasks:

``photos-mini-retrieval`` (image <-> text)
    The 31 photos of photos-mini and their 3-4 captions each; Recall@1/5/10 both ways.
    Model: an image/text embedder, e.g. ``open-clip-vit-b-32``.
``captions-text-retrieval`` (text <-> text)
    Caption-to-caption retrieval on photos-mini: the query (source) is each photo's
    *first* caption, the candidates (references) are the photos' *other* captions;
    a caption is relevant to a query when both describe the same photo. Paraphrase
    retrieval of independent descriptions of one scene. Recall@1/5/10 both ways
    (other caption -> first caption, and first caption -> other captions).
    Model: a text embedder, e.g. ``minilm-l6-v2``.
``librivox-speech-retrieval`` (speech -> text)
    The 10 recordings of librivox-mini against their transcripts; Recall@1/5 both
    ways (K=10 would be trivially 1 with 10 candidates). Model: an audio/text embedder,
    e.g. the chain ``whisper-tiny.en>minilm-l6-v2`` (ASR, then the text embedder on the
    transcript) or ``hf-clap``.

Builders for local data (``--task`` with a path): :func:`clap_audio_text_task` (audio
clips with captions from a JSONL/CSV/TSV manifest or a folder of ``x.wav`` + ``x.txt``,
AudioCaps/Clotho style), :func:`image_text_retrieval_task` (same for images) and
:func:`karpathy_retrieval_task` (COCO / Flickr30k Karpathy test split, 5k/1k images
x 5 captions, the CLIP_benchmark standard).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from transmodal.tasks.datasets import librivox_mini, photos_mini
from transmodal.tasks.datasets.manifests import load_manifest, samples_digest
from transmodal.types import MetricSpec, Modality, Sample, TaskSpec, TransmodalError

DIRECTIONS = ("image_to_text", "text_to_image")
NEUTRAL_DIRECTIONS = ("source_to_references", "references_to_source")  # the same two, for other modality pairs


def recall_metrics(ks: Sequence[int] = (1, 5, 10), directions: Sequence[str] = DIRECTIONS) -> tuple[MetricSpec, ...]:
    """``recall@k`` for every (direction, k)."""
    return tuple(MetricSpec("recall@k", {"k": int(k), "direction": d}) for d in directions for k in ks)


def retrieval_task(name: str, source: Modality, target: Modality, load: Callable[[], Sequence[Sample]],
                   dataset_id: str, ks: Sequence[int] = (1, 5, 10), description: str = "") -> TaskSpec:
    """A ``kind="retrieval"`` TaskSpec scored by Recall@K in both directions.

    Image->text tasks name the directions as CLIP_benchmark does; other modality
    pairs use the neutral names ``source_to_references`` / ``references_to_source``.
    """
    directions = DIRECTIONS if (source, target) == (Modality.IMAGE, Modality.TEXT) else NEUTRAL_DIRECTIONS
    return TaskSpec(name=name, source=source, target=target, load=load, dataset_id=dataset_id,
                    metrics=recall_metrics(ks, directions), description=description, kind="retrieval")


def load_caption_pairs() -> list[Sample]:
    """photos-mini as text->text: first caption -> the photo's other captions."""
    samples = []
    for photo in photos_mini.load_photos_mini():
        if len(photo.references) < 2:
            raise TransmodalError(f"captions-text-retrieval: photo {photo.id} has fewer than 2 captions")
        samples.append(Sample(id=photo.id, source=photo.references[0], references=tuple(photo.references[1:]),
                              meta=dict(photo.meta)))
    return samples


PHOTOS_MINI_RETRIEVAL = retrieval_task(
    "photos-mini-retrieval", Modality.IMAGE, Modality.TEXT, photos_mini.load_photos_mini, photos_mini.dataset_id(),
    description="31 photos x 3-4 captions; image<->text Recall@1/5/10 (CLIP_benchmark hit rate); e.g. open-clip-vit-b-32",
)

CAPTIONS_TEXT_RETRIEVAL = retrieval_task(
    "captions-text-retrieval", Modality.TEXT, Modality.TEXT, load_caption_pairs,
    f"{photos_mini.dataset_id()}:first-vs-other-captions",
    description=(
        "photos-mini captions: first caption <-> the other captions of the same photo; "
        "Recall@1/5/10 both ways; e.g. minilm-l6-v2"
    ),
)

LIBRIVOX_SPEECH_RETRIEVAL = retrieval_task(
    "librivox-speech-retrieval", Modality.AUDIO, Modality.TEXT, librivox_mini.load, librivox_mini.dataset_id(),
    ks=(1, 5),
    description=(
        "10 librivox-mini recordings <-> their transcripts; Recall@1/5 both ways; "
        "e.g. whisper-tiny.en>minilm-l6-v2 (ASR then text embedding) or hf-clap"
    ),
)


def _pinned(name: str, source: Modality, target: Modality, samples: list[Sample], ks: Sequence[int],
            description: str) -> TaskSpec:
    frozen = tuple(samples)
    return retrieval_task(name, source, target, lambda: list(frozen), f"{name}@{samples_digest(frozen)[:16]}",
                          ks, description)


def clap_audio_text_task(path: str | Path, name: str | None = None, ks: Sequence[int] = (1, 5, 10)) -> TaskSpec:
    """Audio <-> caption retrieval over a local manifest or folder (see ``datasets/manifests.py``)."""
    path = Path(path).expanduser()
    samples = load_manifest(path, Modality.AUDIO, Modality.TEXT)
    return _pinned(name or f"clap-audio-text-{path.stem}", Modality.AUDIO, Modality.TEXT, samples, ks,
                   f"audio<->text retrieval on {path}; e.g. hf-clap")


def image_text_retrieval_task(path: str | Path, name: str | None = None, ks: Sequence[int] = (1, 5, 10)) -> TaskSpec:
    """Image <-> caption retrieval over a local manifest or folder."""
    path = Path(path).expanduser()
    samples = load_manifest(path, Modality.IMAGE, Modality.TEXT)
    return _pinned(name or f"image-text-{path.stem}", Modality.IMAGE, Modality.TEXT, samples, ks,
                   f"image<->text retrieval on {path}; e.g. open-clip-vit-b-32")


def karpathy_retrieval_task(annotations: str | Path, image_root: str | Path, split: str = "test",
                            limit: int | None = None) -> TaskSpec:
    """COCO / Flickr30k Karpathy-split image <-> text retrieval (CLIP_benchmark's setup)."""
    from transmodal.tasks.datasets import coco_karpathy

    samples = coco_karpathy.load_karpathy(annotations, image_root, split, limit)
    base = coco_karpathy.dataset_id(annotations, split)
    label = base.split("@")[0] + "-retrieval"
    return retrieval_task(label, Modality.IMAGE, Modality.TEXT, lambda: list(samples),
                          base if limit is None else f"{base}-first{limit}",
                          description=f"image<->text retrieval, Karpathy {split} split of {annotations}")
