"""Built-in models: name -> ``"module:attr"`` of a :class:`~transmodal.types.ModelEntry`.

One adapter file per model family under ``transmodal/reference_models/``; each
imports its heavy back-end inside the factory, so listing models is instant.
"""

BUILTIN_MODELS: dict[str, str] = {
}
