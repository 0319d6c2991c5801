"""Built-in models: name -> ``"module:attr"`` of a :class:`~transmodal.types.ModelEntry`.

One adapter file per model family under ``transmodal/reference_models/``; each
imports its heavy back-end inside the factory, so listing models is instant.
"""

BUILTIN_MODELS: dict[str, str] = {
    "sd-1.5": "transmodal.reference_models.diffusers_pipeline:SD_15",
    "sd-2.1": "transmodal.reference_models.diffusers_pipeline:SD_21",
    "sdxl-base": "transmodal.reference_models.diffusers_pipeline:SDXL_BASE",
    "diffusers": "transmodal.reference_models.diffusers_pipeline:DIFFUSERS",
    "open-clip-vit-b-32": "transmodal.reference_models.open_clip:OPEN_CLIP_VIT_B_32",
    "clip-vit-base-patch32-hf": "transmodal.reference_models.transformers_clip:CLIP_VIT_BASE_PATCH32_HF",
    "minilm-l6-v2": "transmodal.reference_models.sentence_embedder:MINILM_L6_V2",
    "hf-clap": "transmodal.reference_models.clap:HF_CLAP",
    "piper-joe": "transmodal.reference_models.piper:PIPER_JOE",
    "espeak-ng": "transmodal.reference_models.espeak_ng:ESPEAK_NG",
    "flite-slt": "transmodal.reference_models.flite:FLITE_SLT",
    "festival-slt-hts": "transmodal.reference_models.festival:FESTIVAL_SLT_HTS",
    "hf-vits": "transmodal.reference_models.transformers_tts:HF_VITS",
    "hf-speecht5": "transmodal.reference_models.transformers_tts:HF_SPEECHT5",
    "pocketsphinx-en-us": "transmodal.reference_models.pocketsphinx:POCKETSPHINX_EN_US",
    "whisper-tiny.en": "transmodal.reference_models.faster_whisper:WHISPER_TINY_EN",
    "whisper-base": "transmodal.reference_models.faster_whisper:WHISPER_BASE",
    "hf-whisper": "transmodal.reference_models.transformers_asr:HF_WHISPER",
    "hf-wav2vec2-ctc": "transmodal.reference_models.transformers_asr:HF_WAV2VEC2_CTC",
    "identity-image": "transmodal.reference_models.image_codecs:IDENTITY",
    "jpeg-q10": "transmodal.reference_models.image_codecs:JPEG_Q10",
    "jpeg-q50": "transmodal.reference_models.image_codecs:JPEG_Q50",
    "downscale-x4": "transmodal.reference_models.image_codecs:DOWNSCALE_X4",
    "tesseract-eng": "transmodal.reference_models.tesseract:TESSERACT_ENG",
    "hf-blip-caption": "transmodal.reference_models.transformers_captioning:BLIP_CAPTION",
    "hf-git-caption": "transmodal.reference_models.transformers_captioning:GIT_CAPTION",
    "hf-vision-encoder-decoder": "transmodal.reference_models.transformers_captioning:VISION_ENCODER_DECODER_CAPTION",
    "pil-text-render": "transmodal.reference_models.pil_text_render:PIL_TEXT_RENDER",
}
