"""Built-in tasks: name -> ``"module:attr"`` of a :class:`~transmodal.types.TaskSpec`.

One task per file under ``transmodal/tasks/``; nothing here is imported until used.
"""

BUILTIN_TASKS: dict[str, str] = {
    "librivox-mini": "transmodal.tasks.speech_to_text:LIBRIVOX_MINI",
}
