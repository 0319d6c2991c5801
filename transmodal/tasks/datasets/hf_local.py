"""Speech (and other) corpora already on disk: Hugging Face ``datasets``, LibriSpeech, Common Voice.

Nothing here touches the network; each loader reads a local folder.

:func:`load_hf_disk`
    ``datasets.load_from_disk(path)`` (a folder written by ``save_to_disk``; a ``DatasetDict``
    needs ``split`` unless it has one split). Media columns are read with ``decode=False``
    (so no torchcodec / decoder back-end is needed): embedded bytes become an
    :class:`~transmodal.types.Audio` (decoded with soundfile) or a PIL image; a bare path
    that exists becomes a ``Path``. Other columns go to ``meta``.
:func:`load_librispeech`
    the LibriSpeech layout ``ROOT/<speaker>/<chapter>/<speaker>-<chapter>.trans.txt`` with lines
    ``<utt id> <TRANSCRIPT>`` and ``<utt id>.flac`` beside it (``ROOT`` is a split folder such as
    ``LibriSpeech/test-clean``). ``meta``: ``speaker``, ``chapter`` and, when ``SPEAKERS.TXT`` is
    in ``ROOT`` or its parent, ``gender`` (``F``/``M``). Transcripts stay upper-case as released.
:func:`load_common_voice`
    a Common Voice release folder: ``<split>.tsv`` (``path``, ``sentence`` and demographic
    columns) and ``clips/<path>`` (MP3, decoded by libsndfile >= 1.1). ``meta``: ``speaker``
    (``client_id``), ``age``, ``gender``, ``accent`` (``accents`` or ``accent``), ``locale``
    where present and non-empty.

Each returns a list of :class:`~transmodal.types.Sample`; missing files, columns or splits
raise a one-line :class:`~transmodal.types.TransmodalError`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from transmodal.media import audio_from_wav_bytes
from transmodal.tasks.datasets.manifests import check_media
from transmodal.types import Modality, Sample, TransmodalError


def _folder(path: str | Path, what: str) -> Path:
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise TransmodalError(f"{what} folder not found: {folder}")
    return folder


# ---------------------------------------------------------------- datasets.load_from_disk


def _media_value(value: Any, modality: Modality, where: str) -> Any:
    if isinstance(value, str):
        return check_media(Path(value), modality, where)
    if not isinstance(value, dict):
        raise TransmodalError(f"{where}: expected a {modality.value} value, got {type(value).__name__}")
    data, path = value.get("bytes"), value.get("path")
    if data:
        try:
            if modality is Modality.AUDIO:
                return audio_from_wav_bytes(data)
            from PIL import Image

            with Image.open(io.BytesIO(data)) as handle:
                handle.load()
                return handle.copy()
        except Exception as error:  # soundfile / PIL raise several types for bad bytes
            raise TransmodalError(f"{where}: cannot decode embedded {modality.value}: {error}") from None
    if path:
        return check_media(Path(path), modality, where)
    raise TransmodalError(f"{where}: {modality.value} value has neither bytes nor path")


def _column_value(value: Any, modality: Modality, where: str) -> Any:
    if modality is Modality.TEXT:
        if not isinstance(value, str):
            raise TransmodalError(f"{where}: expected text, got {type(value).__name__}")
        return value
    return _media_value(value, modality, where)


def load_hf_disk(
    path: str | Path,
    source: Modality = Modality.AUDIO,
    target: Modality = Modality.TEXT,
    *,
    split: str | None = None,
    source_column: str = "audio",
    reference_column: str = "text",
    id_column: str | None = "id",
) -> list[Sample]:
    """Samples from a ``save_to_disk`` folder; ``reference_column`` may hold a string or a list."""
    import datasets

    folder = _folder(path, "datasets")
    try:
        loaded = datasets.load_from_disk(str(folder))
    except FileNotFoundError as error:
        raise TransmodalError(f"not a datasets.save_to_disk folder: {folder} ({error})") from None
    if isinstance(loaded, datasets.DatasetDict):
        if split is None and len(loaded) == 1:
            split = next(iter(loaded))
        if split not in loaded:
            raise TransmodalError(f"{folder}: choose split= one of {', '.join(loaded)} (got {split!r})")
        loaded = loaded[split]
    columns = loaded.column_names
    for column in (source_column, reference_column):
        if column not in columns:
            raise TransmodalError(f"{folder}: no column {column!r}; columns: {', '.join(columns)}")
    for column, modality in ((source_column, source), (reference_column, target)):
        feature = loaded.features[column]
        if modality is Modality.AUDIO and isinstance(feature, datasets.Audio):
            loaded = loaded.cast_column(column, datasets.Audio(decode=False))
        elif modality is Modality.IMAGE and isinstance(feature, datasets.Image):
            loaded = loaded.cast_column(column, datasets.Image(decode=False))
    if len(loaded) == 0:
        raise TransmodalError(f"{folder}: the dataset has no rows")
    samples = []
    for index, row in enumerate(loaded):
        where = f"{folder.name}[{index}]"
        refs = row[reference_column]
        refs = refs if isinstance(refs, list) else [] if refs is None else [refs]
        sample_id = str(row[id_column]) if id_column and id_column in row else str(index)
        meta = {k: v for k, v in row.items() if k not in (source_column, reference_column, id_column)}
        samples.append(
            Sample(
                id=sample_id,
                source=_column_value(row[source_column], source, f"{where} {source_column}"),
                references=tuple(_column_value(ref, target, f"{where} {reference_column}") for ref in refs),
                meta={k: v for k, v in meta.items() if isinstance(v, (str, int, float, bool))},
            )
        )
    if len({s.id for s in samples}) != len(samples):
        raise TransmodalError(f"{folder}: ids in column {id_column!r} are not unique")
    return samples


# ---------------------------------------------------------------- LibriSpeech


def _speaker_genders(root: Path) -> dict[str, str]:
    for folder in (root, root.parent):
        table = folder / "SPEAKERS.TXT"
        if table.is_file():
            genders = {}
            for line in table.read_text(encoding="utf-8", errors="replace").splitlines():
                fields = [f.strip() for f in line.split("|")]
                if not line.startswith(";") and len(fields) >= 2 and fields[0].isdigit():
                    genders[fields[0]] = fields[1]
            return genders
    return {}


def load_librispeech(root: str | Path) -> list[Sample]:
    """Samples from a LibriSpeech split folder (``*/*/*.trans.txt`` + ``.flac``)."""
    folder = _folder(root, "LibriSpeech")
    transcripts = sorted(folder.glob("*/*/*.trans.txt"))
    if not transcripts:
        raise TransmodalError(f"no LibriSpeech transcripts (*/*/*.trans.txt) under {folder}")
    genders = _speaker_genders(folder)
    samples = []
    for transcript in transcripts:
        speaker, chapter = transcript.parent.parent.name, transcript.parent.name
        for number, line in enumerate(transcript.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            utt, _, text = line.strip().partition(" ")
            if not text:
                raise TransmodalError(f"{transcript}:{number}: expected '<utterance id> <transcript>'")
            audio = check_media(transcript.parent / f"{utt}.flac", Modality.AUDIO, f"{transcript.name}:{number}")
            meta = {"speaker": speaker, "chapter": chapter}
            if speaker in genders:
                meta["gender"] = genders[speaker]
            samples.append(Sample(id=utt, source=audio, references=(text.strip(),), meta=meta))
    return samples


# ---------------------------------------------------------------- Common Voice

_CV_META = {"client_id": "speaker", "age": "age", "gender": "gender", "accents": "accent", "accent": "accent", "locale": "locale"}


def load_common_voice(root: str | Path, split: str = "test") -> list[Sample]:
    """Samples from a Common Voice language folder: ``<split>.tsv`` + ``clips/``."""
    folder = _folder(root, "Common Voice")
    table = folder / f"{split}.tsv"
    if not table.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.tsv"))) or "none"
        raise TransmodalError(f"no {table.name} in {folder}; splits: {known}")
    samples = []
    with table.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"path", "sentence"} - set(reader.fieldnames or [])
        if missing:
            raise TransmodalError(f"{table}: missing column(s) {', '.join(sorted(missing))}")
        for number, row in enumerate(reader, start=2):
            where = f"{table.name}:{number}"
            audio = check_media(folder / "clips" / row["path"], Modality.AUDIO, where)
            meta = {name: row[column] for column, name in _CV_META.items() if row.get(column)}
            samples.append(Sample(id=Path(row["path"]).stem, source=audio, references=(row["sentence"],), meta=meta))
    if not samples:
        raise TransmodalError(f"{table} has no rows")
    return samples


# ---------------------------------------------------------------- any of the above


def detect_layout(path: str | Path) -> str:
    """``"hf-disk"``, ``"librispeech"`` or ``"common-voice"`` for a folder, else an error."""
    folder = _folder(path, "speech corpus")
    if any((folder / name).is_file() for name in ("dataset_dict.json", "state.json")):
        return "hf-disk"
    if next(folder.glob("*/*/*.trans.txt"), None) is not None:
        return "librispeech"
    if (folder / "clips").is_dir() and next(folder.glob("*.tsv"), None) is not None:
        return "common-voice"
    raise TransmodalError(
        f"{folder} is not a datasets.save_to_disk folder, a LibriSpeech split (*/*/*.trans.txt) "
        "or a Common Voice folder (*.tsv + clips/)"
    )


def load_speech_corpus(path: str | Path, split: str | None = None, **columns: str) -> list[Sample]:
    """Audio->text samples from whichever layout :func:`detect_layout` finds."""
    layout = detect_layout(path)
    if layout == "hf-disk":
        return load_hf_disk(path, Modality.AUDIO, Modality.TEXT, split=split, **columns)
    if columns:
        raise TransmodalError(f"column options ({', '.join(columns)}) apply only to datasets.save_to_disk folders")
    if layout == "librispeech":
        return load_librispeech(path)
    return load_common_voice(path, split or "test")
