"""Hugging Face transformers image captioning (BLIP, GIT, VisionEncoderDecoder) as image -> text.

Loading: ``model`` is a hub id or a local folder written by ``save_pretrained``, found by
:func:`transmodal.reference_models.weights.resolve_folder` (offline bundle, HF cache,
else a download unless ``HF_HUB_OFFLINE=1``; air-gapped machines use ``transmodal prefetch``). The config's ``model_type`` picks the class:
``blip`` -> ``BlipForConditionalGeneration``, ``git`` -> ``GitForCausalLM``,
``vision-encoder-decoder`` -> ``VisionEncoderDecoderModel``, anything else ->
``AutoModelForImageTextToText``. With ``family`` set (the registry entries set it),
a checkpoint of another type is refused. Pixels come from the checkpoint's own
``AutoImageProcessor`` (resize / normalise exactly as trained); text from its
``AutoTokenizer`` (``batch_decode(..., skip_special_tokens=True)``, stripped).

Generation: unconditional captioning (no text prompt); ``max_new_tokens`` and
``num_beams`` as given; greedy and beam search run in batches of ``batch_size``.
With ``do_sample=True`` each sample is generated alone after seeding torch's RNG
with its own seed (inside ``torch.random.fork_rng``, so global RNG state is left
untouched); that makes a sample's caption independent of batch size and of
its neighbours. Everything runs under ``torch.inference_mode`` in eval mode.

Fingerprint = sha256 over the weights identity (``weights.folder_digest`` of the resolved
folder: the sha256 of every non-hidden file in it), the class, dtype, every generation parameter and the
transformers and torch versions. Pitfall: greedy outputs are deterministic on one
device, but CPU and GPU kernels may round differently; the device is not part of
the fingerprint, so compare cross-device runs through their records.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Sequence

from transmodal.types import Modality, ModelCard, ModelEntry, Sample, TransmodalError

_CLASSES = {
    "blip": "BlipForConditionalGeneration",
    "git": "GitForCausalLM",
    "vision-encoder-decoder": "VisionEncoderDecoderModel",
}
_DTYPES = ("float32", "float16", "bfloat16")


class HFCaptioner:
    """Image -> text with a transformers captioning checkpoint."""

    source = Modality.IMAGE
    target = Modality.TEXT

    def __init__(
        self,
        model: str,
        family: str | None = None,
        revision: str | None = None,
        device: str = "cpu",
        dtype: str = "float32",
        max_new_tokens: int = 30,
        num_beams: int = 1,
        do_sample: bool = False,
        temperature: float = 1.0,
        top_p: float = 1.0,
        top_k: int = 50,
        batch_size: int = 8,
    ) -> None:
        try:
            import torch
            import transformers
        except ImportError as error:
            raise TransmodalError(f"captioning models need torch and transformers: pip install torch transformers ({error})") from error
        if dtype not in _DTYPES:
            raise TransmodalError(f"dtype must be one of {', '.join(_DTYPES)}, got {dtype!r}")
        if max_new_tokens < 1 or num_beams < 1 or batch_size < 1:
            raise TransmodalError("max_new_tokens, num_beams and batch_size must be >= 1")
        self.model_name, self.revision, self.device, self.dtype = str(model), revision, device, dtype
        self.batch_size = int(batch_size)
        self.generation: dict[str, Any] = {"max_new_tokens": int(max_new_tokens), "num_beams": int(num_beams), "do_sample": bool(do_sample)}
        if do_sample:
            self.generation.update(temperature=float(temperature), top_p=float(top_p), top_k=int(top_k))
        if self.model_name.startswith(("/", "./", "../", "~")) and not Path(self.model_name).expanduser().is_dir():
            raise TransmodalError(f"captioning model folder not found: {self.model_name}")
        from transmodal.reference_models.weights import resolve_folder

        try:
            folder, self._weights = resolve_folder(self.model_name, family or "captioning", revision)
            config = transformers.AutoConfig.from_pretrained(str(folder))
        except (OSError, ValueError, TransmodalError) as error:
            raise TransmodalError(
                f"cannot load captioning model {self.model_name!r} (not a local folder and not in the HF cache; "
                f"run `transmodal prefetch` or huggingface-cli download on a connected machine): {str(error).splitlines()[0]}"
            ) from error
        if family and config.model_type != family:
            raise TransmodalError(f"{self.model_name!r} is a {config.model_type!r} checkpoint, expected {family!r}")
        self.class_name = _CLASSES.get(config.model_type, "AutoModelForImageTextToText")
        model_class = getattr(transformers, self.class_name)
        self.model = model_class.from_pretrained(str(folder), dtype=getattr(torch, dtype)).to(device).eval()
        self.image_processor = transformers.AutoImageProcessor.from_pretrained(str(folder))
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder))
        self._versions = f"transformers={transformers.__version__}\x1ftorch={torch.__version__}"

    def fingerprint(self) -> str:
        params = "\x1f".join(f"{key}={self.generation[key]}" for key in sorted(self.generation))
        parts = ["hf-captioning", self._weights, self.class_name, f"dtype={self.dtype}", params, self._versions]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def _generate(self, images: list) -> list[str]:
        import torch

        inputs = self.image_processor(images=images, return_tensors="pt")
        pixel_values = inputs["pixel_values"].to(self.device, getattr(torch, self.dtype))
        with torch.inference_mode():
            ids = self.model.generate(pixel_values=pixel_values, **self.generation)
        return [text.strip() for text in self.tokenizer.batch_decode(ids, skip_special_tokens=True)]

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list[str]:
        import torch

        from transmodal.media import load_image

        if len(seeds) != len(batch):
            raise TransmodalError(f"got {len(batch)} samples but {len(seeds)} seeds")
        images = [load_image(sample.source) for sample in batch]
        if not self.generation["do_sample"]:
            outputs: list[str] = []
            for start in range(0, len(images), self.batch_size):
                outputs += self._generate(images[start : start + self.batch_size])
            return outputs
        devices = [torch.device(self.device)] if torch.device(self.device).type == "cuda" else []
        outputs = []
        for image, seed in zip(images, seeds):
            with torch.random.fork_rng(devices=devices):
                torch.manual_seed(int(seed))
                outputs += self._generate([image])
        return outputs


def make_captioner(device: str = "cpu", **params: Any) -> HFCaptioner:
    """Factory: ``HFCaptioner(device=device, **params)``; ``model`` is a hub id or local folder."""
    if "model" not in params:
        raise TransmodalError("a captioning model needs model=<hub id or local folder>")
    return HFCaptioner(device=device, **params)


def _entry(name: str, family: str, hub_id: str, license: str, size: str) -> ModelEntry:
    return ModelEntry(
        name=name,
        source=Modality.IMAGE,
        target=Modality.TEXT,
        factory=make_captioner,
        card=ModelCard(
            license=license,
            weights_source=f"https://huggingface.co/{hub_id}",
            revision="",
            size=size,
            hardware="cpu ok; gpu faster",
            prefetch=f"huggingface-cli download {hub_id}",
            offline=False,
        ),
        params={"model": hub_id, "family": family, "max_new_tokens": 30, "num_beams": 1},
    )


BLIP_CAPTION = _entry("hf-blip-caption", "blip", "Salesforce/blip-image-captioning-base", "BSD-3-Clause", "~250M params (~1 GB fp32)")
GIT_CAPTION = _entry("hf-git-caption", "git", "microsoft/git-base-coco", "MIT", "~180M params (~0.7 GB fp32)")
VISION_ENCODER_DECODER_CAPTION = _entry(
    "hf-vision-encoder-decoder", "vision-encoder-decoder", "nlpconnect/vit-gpt2-image-captioning", "Apache-2.0", "~240M params (~1 GB fp32)"
)
