"""Turning a ``--model`` string into a loaded model, including chains and retrieval.

A model string is one of
* a registry name (``whisper-tiny.en``; built-ins and ``transmodal.models`` plugins),
* ``package.module:factory`` (a callable ``factory(device=..., **params)`` or a ModelEntry),
* a chain ``A>B``: A's output feeds B. Two translators make a round trip
  (``piper-joe>whisper-base`` is text->speech->text); a translator then an
  embedder makes an embedder for A's source modality (``whisper-tiny.en>minilm-l6-v2``
  embeds speech by transcribing it). Chains are declared, never hand-written per pair.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from typing import Any, Sequence

import numpy as np

from transmodal import media, registry
from transmodal.types import Audio, Modality, ModelEntry, Sample, TransmodalError, Translator


@dataclass
class LoadedModel:
    """A built model with what a record says about it."""

    name: str
    model: Any
    card: dict
    params: dict


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class RoundTrip:
    """``first`` then ``second``: a Translator from first.source to second.target."""

    def __init__(self, first: Translator, second: Translator) -> None:
        if first.target != second.source:
            raise TransmodalError(
                f"cannot chain: first model outputs {first.target.value} but second expects {second.source.value}"
            )
        self.first, self.second = first, second
        self.source, self.target = first.source, second.target

    def fingerprint(self) -> str:
        return _fingerprint("roundtrip", self.first.fingerprint(), self.second.fingerprint())

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list:
        middle = self.first.translate(batch, seeds)
        hops = [replace(sample, source=value) for sample, value in zip(batch, middle)]
        return self.second.translate(hops, seeds)


class TranslatedEmbedder:
    """An embedder for ``translator.source`` that embeds the translator's output."""

    def __init__(self, translator: Translator, embedder: Any) -> None:
        self.translator, self.embedder = translator, embedder
        method = f"embed_{translator.target.value}"
        if not hasattr(embedder, method):
            raise TransmodalError(f"cannot chain: the embedder has no {method} for the translator's output")
        self._embed_output = getattr(embedder, method)
        setattr(self, f"embed_{translator.source.value}", self._embed_translated)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("embed_"):
            return getattr(self.embedder, name)
        raise AttributeError(name)

    def fingerprint(self) -> str:
        return _fingerprint("translated-embedder", self.translator.fingerprint(), self.embedder.fingerprint())

    def _embed_translated(self, items: Sequence[Any]) -> np.ndarray:
        samples = [Sample(id=str(i), source=item) for i, item in enumerate(items)]
        return self._embed_output(self.translator.translate(samples, [0] * len(samples)))


class EmbedPairs:
    """Retrieval as a Translator: each sample -> float32 ``[1 + R, D]``.

    Row 0 embeds the sample's source (modality ``source``); rows 1..R embed its
    references (modality ``target``). Sources and references of a whole batch are
    embedded in one call each.
    """

    target = Modality.EMBEDDING

    def __init__(self, embedder: Any, source: Modality, target: Modality) -> None:
        self.embedder, self.source, self.reference_modality = embedder, source, target
        for modality in (source, target):
            if not hasattr(embedder, f"embed_{modality.value}"):
                raise TransmodalError(f"this model cannot embed {modality.value}: it has no embed_{modality.value}")

    def fingerprint(self) -> str:
        return _fingerprint("embed-pairs", self.embedder.fingerprint(), self.source.value, self.reference_modality.value)

    def _embed(self, modality: Modality, items: list) -> np.ndarray:
        if modality is Modality.AUDIO:
            items = [item if isinstance(item, Audio) else media.load_audio(item) for item in items]
        return np.asarray(getattr(self.embedder, f"embed_{modality.value}")(items), dtype=np.float32)

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list[np.ndarray]:
        sources = self._embed(self.source, [sample.source for sample in batch])
        references = [ref for sample in batch for ref in sample.references]
        ref_vectors = self._embed(self.reference_modality, references) if references else None
        outputs, start = [], 0
        for row, sample in enumerate(batch):
            stop = start + len(sample.references)
            parts = [sources[row : row + 1]] + ([ref_vectors[start:stop]] if stop > start else [])
            outputs.append(np.concatenate(parts, axis=0))
            start = stop
        return outputs


def _build(name: str, device: str, params: dict) -> LoadedModel:
    target = registry.models.get(name)
    if isinstance(target, ModelEntry):
        return LoadedModel(name, target.load(device=device, **params), asdict(target.card), {**target.params, **params})
    if callable(target):
        return LoadedModel(name, target(device=device, **params), {}, dict(params))
    raise TransmodalError(f"{name!r} is neither a ModelEntry nor a factory callable")


def load_model(spec: str, device: str = "cpu", params: dict | None = None) -> LoadedModel:
    """Build the model named by ``spec``; ``params`` go to the last model of a chain."""
    names = [part.strip() for part in spec.split(">")]
    if any(not part for part in names):
        raise TransmodalError(f"bad model chain {spec!r}: expected 'A>B'")
    last = len(names) - 1
    loaded = [_build(name, device, (params or {}) if i == last else {}) for i, name in enumerate(names)]
    model = loaded[0].model
    for nxt in loaded[1:]:
        if hasattr(nxt.model, "translate"):
            model = RoundTrip(model, nxt.model)
        else:
            model = TranslatedEmbedder(model, nxt.model)
    card = loaded[0].card if len(loaded) == 1 else {"chain": [m.card for m in loaded]}
    return LoadedModel(spec, model, card, loaded[-1].params)


def for_task(loaded: LoadedModel, task_kind: str, source: Modality, target: Modality) -> Any:
    """The object the runner calls ``translate`` on, checked against the task's modalities."""
    model = loaded.model
    if task_kind == "retrieval":
        return EmbedPairs(model, source, target)
    if not hasattr(model, "translate"):
        raise TransmodalError(f"model {loaded.name!r} is an embedder; this task needs a {source.value}->{target.value} model")
    if model.source != source or model.target != target:
        raise TransmodalError(
            f"model {loaded.name!r} maps {model.source.value}->{model.target.value} "
            f"but the task needs {source.value}->{target.value}"
        )
    return model
