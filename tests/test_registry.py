"""Registries: lazy entries, plugins via entry points, close-match errors."""

from __future__ import annotations

from importlib import metadata

import pytest

from transmodal.registry import Registry, import_object
from transmodal.types import TransmodalError


def test_lazy_string_entries_import_on_first_use():
    registry = Registry("thing", "transmodal.test-group")
    registry.register("json-dumps", "json:dumps")
    import json

    assert registry.get("json-dumps") is json.dumps


def test_unknown_name_lists_close_matches():
    registry = Registry("model", "transmodal.test-group")
    registry.register("whisper-tiny.en", "json:dumps")
    registry.register("whisper-base.en", "json:loads")
    with pytest.raises(TransmodalError, match=r"unknown model 'whisper-tiny'; did you mean whisper-tiny.en"):
        registry.get("whisper-tiny")


def test_module_attr_strings_resolve_without_registration():
    registry = Registry("task", "transmodal.test-group")
    assert registry.get("os.path:join") is import_object("os.path:join")
    with pytest.raises(TransmodalError, match="has no attribute"):
        registry.get("os.path:nope")


def test_entry_point_plugins_are_listed(monkeypatch):
    point = metadata.EntryPoint(name="plugin-model", value="json:loads", group="transmodal.models")
    real = metadata.entry_points

    def fake(**kwargs):
        return [point] if kwargs.get("group") == "transmodal.models" else real(**kwargs)

    monkeypatch.setattr(metadata, "entry_points", fake)
    registry = Registry("model", "transmodal.models")
    assert "plugin-model" in registry.names()
    import json

    assert registry.get("plugin-model") is json.loads


def test_importing_the_package_and_listing_loads_no_model_code():
    import subprocess
    import sys

    code = "import sys, transmodal.bench.cli as c; c.main(['list']);" \
           "heavy=[m for m in ('torch','transformers','faster_whisper','open_clip','diffusers','piper') if m in sys.modules];" \
           "print('HEAVY', heavy)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout
