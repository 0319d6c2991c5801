"""Image -> text adapters against their plain peers, side by side in one run.

* OCR: the 30 rendered-text images. Peer: what a user (or pytesseract) does, one
  ``tesseract FILE.png stdout -l eng --psm 3 --oem 1`` call per image, sequentially,
  from PNG files on disk. Ours: ``tesseract-eng`` (PNG on stdin, ``--workers``
  processes side by side). Outputs must be identical after whitespace normalisation.
* Captioning: a tiny random-init BLIP checkpoint (saved to a temp folder) on the
  31 photos-mini images. Peer: the transformers model card's loop, processor + model
  ``generate`` one image at a time. Ours: ``HFCaptioner`` with ``--batch-size``.
  Greedy outputs must be identical. The tiny model measures the adapter's overhead
  and batching, not BLIP's speed.

Run: ``OMP_NUM_THREADS=2 python benchmarks/bench_image_to_text.py [--device cuda]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from transmodal.media import load_image  # noqa: E402
from transmodal.tasks.datasets.photos_mini import load_photos_mini  # noqa: E402
from transmodal.tasks.datasets.rendered_text import load_rendered_text  # noqa: E402


def best_of(repeats: int, fn):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def bench_ocr(repeats: int, workers: int) -> None:
    from transmodal.reference_models.tesseract import make_tesseract

    samples = load_rendered_text()
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for sample in samples:
            path = Path(folder) / f"{sample.id}.png"
            sample.source.convert("RGB").save(path)
            files.append(path)

        def peer():
            out = []
            for path in files:
                text = subprocess.run(["tesseract", str(path), "stdout", "-l", "eng", "--psm", "3", "--oem", "1"],
                                      capture_output=True, check=True).stdout.decode()
                out.append(" ".join(text.split()))
            return out

        ocr = make_tesseract(workers=workers)
        peer_time, peer_out = best_of(repeats, peer)
        ours_time, ours_out = best_of(repeats, lambda: ocr.translate(samples, [0] * len(samples)))
    assert ours_out == peer_out, "OCR outputs differ from the plain tesseract CLI"
    print(f"OCR   30 images: peer (CLI loop) {peer_time:.2f} s, ours (workers={workers}) {ours_time:.2f} s, "
          f"ratio peer/ours {peer_time / ours_time:.2f}x; outputs identical")


def bench_captioning(repeats: int, device: str, batch_size: int) -> None:
    import torch
    import transformers

    from transmodal.reference_models.transformers_captioning import make_captioner

    samples = load_photos_mini()
    with tempfile.TemporaryDirectory() as folder:
        vocab = Path(folder) / "vocab.txt"
        vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[DEC]"] + [f"w{i}" for i in range(200)]))
        tokenizer = transformers.BertTokenizer(str(vocab), bos_token="[DEC]")
        text = dict(vocab_size=206, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                    max_position_embeddings=64, bos_token_id=5, pad_token_id=0, sep_token_id=3, eos_token_id=3)
        vision = dict(hidden_size=64, image_size=224, patch_size=16, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128)
        torch.manual_seed(0)
        model = transformers.BlipForConditionalGeneration(transformers.BlipConfig(text_config=text, vision_config=vision, projection_dim=32))
        model.save_pretrained(folder)
        transformers.BlipImageProcessor(size={"height": 224, "width": 224}).save_pretrained(folder)
        tokenizer.save_pretrained(folder)

        peer_model = transformers.BlipForConditionalGeneration.from_pretrained(folder).to(device).eval()
        processor = transformers.AutoImageProcessor.from_pretrained(folder)
        images = [load_image(s.source) for s in samples]

        def peer():
            out = []
            for image in images:
                pixels = processor(images=image, return_tensors="pt")["pixel_values"].to(device)
                with torch.no_grad():
                    ids = peer_model.generate(pixel_values=pixels, max_new_tokens=20)
                out.append(tokenizer.decode(ids[0], skip_special_tokens=True).strip())
            return out

        ours = make_captioner(device=device, model=folder, family="blip", max_new_tokens=20, batch_size=batch_size)
        peer_time, peer_out = best_of(repeats, peer)
        ours_time, ours_out = best_of(repeats, lambda: ours.translate(samples, [0] * len(samples)))
    same = sum(a == b for a, b in zip(ours_out, peer_out))
    print(f"CAPT  31 images on {device}: peer (one image per generate) {peer_time:.2f} s, "
          f"ours (batch {batch_size}) {ours_time:.2f} s, ratio peer/ours {peer_time / ours_time:.2f}x; "
          f"identical captions {same}/31")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--skip-ocr", action="store_true")
    args = parser.parse_args()
    if not args.skip_ocr:
        bench_ocr(args.repeats, args.workers)
    bench_captioning(args.repeats, args.device, args.batch_size)


if __name__ == "__main__":
    main()
