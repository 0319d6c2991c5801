"""librivox-mini: the 10 transcribed recordings of Debian's ``pocketsphinx-testdata``.

Files under ``/usr/share/pocketsphinx/test/data`` (or ``$TRANSMODAL_POCKETSPHINX_TESTDATA``):

* ``librivox/``: 5 sentences of LibriVox's *Sense and Sensibility*, chapter 1 (Jane Austen),
  one adult reader, 16 kHz 16-bit mono WAV, 3-7 s; transcripts in ``librivox/transcription``.
* ``cards/``: 5 short utterances of playing-card names ("eight of spades four of clubs ..."),
  16 kHz WAV, 1-3.5 s; transcripts in ``cards/cards.transcription``.

Transcripts are lower-case words in Sphinx format ``<s> words </s> (file id)``; the ``<s>``/``</s>``
markers are dropped and spaces collapsed. They are verbatim, disfluencies included
(``had he married a more a amiable woman``). Sample ids are ``librivox/<file id>`` and
``cards/<file id>``; ``meta["group"]`` is ``"librivox"`` or ``"cards"`` (speakers are not
documented, so there is no speaker label). License: BSD-2-Clause (CMU Sphinx), audio from
LibriVox (public domain).

:func:`dataset_id` is ``librivox-mini@<sha256 prefix>`` over the sample ids, the WAV bytes and
the transcripts, so a record pins the exact data it was scored on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from transmodal.tasks.datasets.manifests import samples_digest
from transmodal.types import Sample, TransmodalError

DEFAULT_ROOT = Path("/usr/share/pocketsphinx/test/data")
INSTALL_HINT = "sudo apt-get install pocketsphinx-testdata"
_GROUPS = {"librivox": "librivox/transcription", "cards": "cards/cards.transcription"}
_LINE = re.compile(r"^(?P<text>.*?)\s*\((?P<id>[^()\s]+)\)\s*$")


def data_root(root: str | Path | None = None) -> Path:
    """The test-data folder: ``root``, ``$TRANSMODAL_POCKETSPHINX_TESTDATA`` or the Debian path."""
    if root is not None:
        return Path(root)
    return Path(os.environ.get("TRANSMODAL_POCKETSPHINX_TESTDATA", DEFAULT_ROOT))


def parse_transcription(path: Path) -> list[tuple[str, str]]:
    """``(file id, transcript)`` pairs from a Sphinx transcription file."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise TransmodalError(f"{path}:{number}: expected '<s> words </s> (file id)'")
        words = [w for w in match["text"].split() if w not in ("<s>", "</s>")]
        pairs.append((match["id"], " ".join(words)))
    return pairs


def load(root: str | Path | None = None) -> list[Sample]:
    """The 10 samples (5 librivox, then 5 cards), or a TransmodalError with the install command."""
    base = data_root(root)
    missing = [name for name in _GROUPS.values() if not (base / name).is_file()]
    if missing:
        raise TransmodalError(
            f"librivox-mini needs the pocketsphinx-testdata package ({base / missing[0]} not found): {INSTALL_HINT}"
        )
    samples = []
    for group, transcription in _GROUPS.items():
        for file_id, text in parse_transcription(base / transcription):
            wav = base / group / f"{file_id}.wav"
            if not wav.is_file():
                raise TransmodalError(f"librivox-mini: audio file not found: {wav} ({INSTALL_HINT})")
            samples.append(Sample(id=f"{group}/{file_id}", source=wav, references=(text,), meta={"group": group}))
    return samples


def dataset_id(root: str | Path | None = None) -> str:
    """``librivox-mini@<first 16 hex of the content digest>``; ``@unavailable`` when not installed."""
    try:
        samples = load(root)
    except TransmodalError:
        return "librivox-mini@unavailable"
    return f"librivox-mini@{samples_digest(samples)[:16]}"
