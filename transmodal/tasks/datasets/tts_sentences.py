"""tts-sentences data: the Harvard sentences (IEEE 1969 phonetically balanced lists).

The file ``data/harvard_sentences.txt`` ships lists 1-10 (100 sentences) of the 72
lists in "IEEE Recommended Practice for Speech Quality Measurements" (IEEE Trans.
Audio Electroacoust. AU-17(3), 1969, Appendix C), public-domain test material.
Each list of ten is phonetically balanced: roughly the phoneme frequencies of
English, which is why speech-quality and intelligibility tests use whole lists.

A sample is ``Sample(id="hLL-SS", source=text, references=(text,), meta={"list": LL})``:
the text is both the TTS input and the reference an ASR judge's transcript is
scored against (intelligibility WER/CER). Texts are kept exactly as printed
(capitals, punctuation, "It's"); normalisation is the metric's job.

:func:`dataset_id` is ``harvard-sentences[LISTS]@<16 hex>`` over the chosen ids
and texts, so a record pins the exact sentences it scored.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Iterable

from transmodal.types import Sample, TransmodalError

DATA_FILE = Path(__file__).parent / "data" / "harvard_sentences.txt"
_LINE = re.compile(r"^h(?P<list>\d{2})-(?P<num>\d{2})\t(?P<text>\S.*?)\s*$")


def read_sentences(path: str | Path = DATA_FILE) -> list[Sample]:
    """Every sentence of the file, in file order; a one-line error on a malformed line."""
    path = Path(path)
    if not path.is_file():
        raise TransmodalError(f"Harvard sentence file not found: {path}")
    samples: list[Sample] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise TransmodalError(f"{path}:{number}: expected 'hLL-SS<TAB>sentence'")
        sample_id = f"h{match['list']}-{match['num']}"
        if sample_id in seen:
            raise TransmodalError(f"{path}:{number}: duplicate sentence id {sample_id}")
        seen.add(sample_id)
        text = match["text"]
        samples.append(Sample(id=sample_id, source=text, references=(text,), meta={"list": int(match["list"])}))
    return samples


def available_lists(path: str | Path = DATA_FILE) -> list[int]:
    """The list numbers present in the file, sorted."""
    return sorted({sample.meta["list"] for sample in read_sentences(path)})


def load(lists: Iterable[int] | None = None, path: str | Path = DATA_FILE) -> list[Sample]:
    """The sentences of ``lists`` (all shipped lists when None), in file order."""
    samples = read_sentences(path)
    if lists is None:
        return samples
    wanted = sorted(set(int(n) for n in lists))
    missing = sorted(set(wanted) - {s.meta["list"] for s in samples})
    if missing:
        raise TransmodalError(
            f"Harvard list(s) {', '.join(map(str, missing))} not shipped; available: "
            f"{', '.join(map(str, available_lists(path)))}"
        )
    return [sample for sample in samples if sample.meta["list"] in wanted]


def lists_label(lists: Iterable[int] | None) -> str:
    """``"1-5"`` for a contiguous range, ``"1,3"`` otherwise, ``"all"`` for None."""
    if lists is None:
        return "all"
    numbers = sorted(set(int(n) for n in lists))
    if numbers and numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 1:
        return f"{numbers[0]}-{numbers[-1]}"
    return ",".join(map(str, numbers))


def dataset_id(lists: Iterable[int] | None = None, path: str | Path = DATA_FILE) -> str:
    """``harvard-sentences[LISTS]@<first 16 hex of sha256 over ids and texts>``."""
    lists = None if lists is None else list(lists)
    digest = hashlib.sha256()
    for sample in load(lists, path):
        digest.update(json.dumps([sample.id, sample.source]).encode())
    return f"harvard-sentences[{lists_label(lists)}]@{digest.hexdigest()[:16]}"
