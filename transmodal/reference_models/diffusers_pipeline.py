"""Text-to-image with any diffusers ``DiffusionPipeline`` (Stable Diffusion 1.5 / 2.1 / XL, ...).

Loading: ``model`` is a local pipeline folder (``save_pretrained`` layout with
``model_index.json``) or a hub id. A hub id is first resolved with
``DiffusionPipeline.download`` (honours ``HF_HUB_OFFLINE``; offline it must already
be in the HF cache — ``transmodal prefetch``) and identified by its snapshot commit; a
local folder by the sha256 of its config/weight files (``.ckpt`` single-file
checkpoints are not read by ``from_pretrained`` and not hashed). Safetensors are
used where the folder offers them (``use_safetensors=True``), never pickles by
preference. On CUDA the pipeline runs in float16, on CPU in float32 (``dtype``
overrides); the dtype is part of the fingerprint.

Generation: one image per prompt (``Sample.source``), with

    images = pipe(prompt=prompts, num_inference_steps, guidance_scale, height, width,
                  negative_prompt, generator=[torch.Generator("cpu").manual_seed(s) for s in seeds])

Per-sample CPU generators make each image's initial latents (and any scheduler
noise) depend only on its own seed, so outputs do not depend on batch size or
device placement of the noise. ``height``/``width`` default to the pipeline's
native size (UNet sample size x VAE scale factor) and are resolved before
fingerprinting, as is the scheduler (``scheduler`` names a diffusers scheduler class,
built ``from_config`` of the pipeline's own). The fingerprint hashes the weights id,
pipeline class, scheduler class and config, steps, guidance, size, negative prompt,
dtype, safety-checker presence and the diffusers version, so any change is a cache miss.

Pitfall: SD 1.x pipelines ship a safety checker that blacks out flagged images,
which moves FID; it stays on by default (the model as published) and
``safety_checker=False`` removes it — either way the fingerprint records it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

from transmodal.types import ModelCard, ModelEntry, Modality, Sample, TransmodalError


def _resolve(model: str, revision: str | None, variant: str | None) -> tuple[Path, str]:
    """(local pipeline folder, weights id).

    Hub ids go through ``DiffusionPipeline.download`` rather than ``weights.resolve``: it
    fetches only the files the pipeline loads (one variant, safetensors or .bin), not the
    whole repository (SD repos also hold multi-GB single-file checkpoints).
    """
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "model_index.json").is_file():
            raise TransmodalError(f"{path} is not a diffusers pipeline folder (no model_index.json)")
        from transmodal.reference_models.weights import CHECKPOINT_SUFFIXES, folder_digest

        return path, "sha256:" + folder_digest(path, CHECKPOINT_SUFFIXES)
    from diffusers import DiffusionPipeline

    try:
        folder = Path(DiffusionPipeline.download(model, revision=revision, variant=variant, use_safetensors=None))
    except Exception as error:  # offline cache miss, unknown id, gated repo
        raise TransmodalError(
            f"cannot load diffusers pipeline {model!r}: not a local folder and not in the HF cache "
            f"({type(error).__name__}); run `transmodal prefetch` on a connected machine or pass a local path"
        ) from error
    return folder, f"hf:{model}@{folder.name}"


class DiffusersTextToImage:
    """A :class:`~transmodal.types.Translator` from text prompts to PIL images."""

    source = Modality.TEXT
    target = Modality.IMAGE

    def __init__(self, model: str | None = None, device: str = "cpu", revision: str | None = None,
                 variant: str | None = None, scheduler: str | None = None, num_inference_steps: int = 50,
                 guidance_scale: float = 7.5, height: int | None = None, width: int | None = None,
                 negative_prompt: str | None = None, batch_size: int = 4, dtype: str | None = None,
                 safety_checker: bool = True) -> None:
        import diffusers
        import torch

        if not model:
            raise TransmodalError("the diffusers model needs model=<hub id or local pipeline folder>")
        if batch_size < 1 or num_inference_steps < 1:
            raise TransmodalError("batch_size and num_inference_steps must be >= 1")
        folder, self.weights_id = _resolve(str(model), revision, variant)
        self.folder = folder
        self.dtype = dtype or ("float16" if str(device).startswith("cuda") else "float32")
        if self.dtype not in ("float16", "bfloat16", "float32"):
            raise TransmodalError(f"dtype must be float16, bfloat16 or float32, got {self.dtype!r}")
        from diffusers.utils import deprecation_utils

        dtype_key = "dtype" if hasattr(deprecation_utils, "_TORCH_DTYPE_DEPRECATION_MESSAGE") else "torch_dtype"
        kwargs: dict[str, Any] = {dtype_key: getattr(torch, self.dtype), "variant": variant}
        try:
            try:  # safetensors where every component offers them; pickled .bin only as a fallback
                pipe = diffusers.DiffusionPipeline.from_pretrained(str(folder), use_safetensors=True, **kwargs)
            except OSError:
                pipe = diffusers.DiffusionPipeline.from_pretrained(str(folder), **kwargs)
        except (OSError, ValueError) as error:
            raise TransmodalError(f"cannot load diffusers pipeline from {folder}: {str(error).splitlines()[0]}") from error
        if scheduler:
            scheduler_class = getattr(diffusers, scheduler, None)
            if scheduler_class is None or not hasattr(scheduler_class, "from_config"):
                raise TransmodalError(f"unknown diffusers scheduler {scheduler!r}")
            pipe.scheduler = scheduler_class.from_config(pipe.scheduler.config)
        if not safety_checker and getattr(pipe, "safety_checker", None) is not None:
            pipe.safety_checker = None
        pipe.set_progress_bar_config(disable=True)
        self.pipe = pipe.to(device)
        scale = getattr(pipe, "vae_scale_factor", 8)
        sample_size = pipe.unet.config.sample_size if hasattr(pipe, "unet") else None
        native = sample_size * scale if isinstance(sample_size, int) else None
        self.height = int(height or native or 512)
        self.width = int(width or native or 512)
        self.num_inference_steps = int(num_inference_steps)
        self.guidance_scale = float(guidance_scale)
        self.negative_prompt = negative_prompt
        self.batch_size = batch_size
        self.device = device
        self._torch = torch
        self._diffusers_version = diffusers.__version__

    def generation_params(self) -> dict:
        """Every parameter that changes the images (the fingerprint's input)."""
        scheduler_config = {k: v for k, v in dict(self.pipe.scheduler.config).items() if not k.startswith("_")}
        return {
            "family": "diffusers",
            "pipeline": type(self.pipe).__name__,
            "weights": self.weights_id,
            "scheduler": type(self.pipe.scheduler).__name__,
            "scheduler_config": scheduler_config,
            "num_inference_steps": self.num_inference_steps,
            "guidance_scale": self.guidance_scale,
            "height": self.height,
            "width": self.width,
            "negative_prompt": self.negative_prompt,
            "dtype": self.dtype,
            "safety_checker": getattr(self.pipe, "safety_checker", None) is not None,
            "diffusers": self._diffusers_version,
        }

    def fingerprint(self) -> str:
        payload = json.dumps(self.generation_params(), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def translate(self, batch: Sequence[Sample], seeds: Sequence[int]) -> list:
        """One PIL RGB image per sample; ``seeds[i]`` seeds sample ``i`` alone."""
        if len(batch) != len(seeds):
            raise TransmodalError(f"got {len(batch)} samples but {len(seeds)} seeds")
        prompts = []
        for sample in batch:
            if not isinstance(sample.source, str):
                raise TransmodalError(f"sample {sample.id}: text-to-image needs a text prompt, got {type(sample.source).__name__}")
            prompts.append(sample.source)
        images: list = []
        for start in range(0, len(prompts), self.batch_size):
            chunk = prompts[start : start + self.batch_size]
            generators = [self._torch.Generator("cpu").manual_seed(int(s)) for s in seeds[start : start + self.batch_size]]
            output = self.pipe(
                prompt=chunk,
                negative_prompt=[self.negative_prompt] * len(chunk) if self.negative_prompt else None,
                num_inference_steps=self.num_inference_steps,
                guidance_scale=self.guidance_scale,
                height=self.height,
                width=self.width,
                generator=generators,
                output_type="pil",
            )
            images.extend(image.convert("RGB") for image in output.images)
        return images


def load(device: str = "cpu", **params: Any) -> DiffusersTextToImage:
    """Factory for the registry: ``DiffusersTextToImage(device=..., **params)``."""
    return DiffusersTextToImage(device=device, **params)


def _entry(name: str, hub_id: str | None, license: str, size: str, native: str) -> ModelEntry:
    prefetch = (
        f"python -c \"from diffusers import DiffusionPipeline; DiffusionPipeline.download('{hub_id}')\" "
        "on a connected machine (HF cache), or save_pretrained to a folder and pass model=/path"
        if hub_id else "pass model=<hub id or local pipeline folder>"
    )
    return ModelEntry(
        name=name,
        source=Modality.TEXT,
        target=Modality.IMAGE,
        factory=load,
        params={"model": hub_id} if hub_id else {},
        card=ModelCard(
            license=license,
            weights_source=f"hf:{hub_id} ({native})" if hub_id else "any diffusers DiffusionPipeline",
            size=size,
            hardware="cuda (float16); cpu works but takes minutes per image",
            prefetch=prefetch,
            offline=False,
        ),
    )


SD_15 = _entry("sd-1.5", "stable-diffusion-v1-5/stable-diffusion-v1-5", "CreativeML OpenRAIL-M", "0.98B params, 4 GB fp32", "512x512")
SD_21 = _entry("sd-2.1", "stabilityai/stable-diffusion-2-1", "CreativeML OpenRAIL++-M", "1.3B params, 5 GB fp32", "768x768")
SDXL_BASE = _entry("sdxl-base", "stabilityai/stable-diffusion-xl-base-1.0", "CreativeML OpenRAIL++-M", "3.5B params, 7 GB fp16", "1024x1024")
DIFFUSERS = _entry("diffusers", None, "per model", "per model", "per model")
