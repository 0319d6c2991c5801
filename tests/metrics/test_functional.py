"""The functional layer: importable without torch or model code, predictions-then-references."""

from __future__ import annotations

import subprocess
import sys


def test_functional_imports_without_torch_and_scores_strings():
    code = (
        "import sys, transmodal.metrics.functional as F;"
        "heavy = [m for m in ('torch', 'transformers', 'open_clip', 'diffusers', 'cleanfid') if m in sys.modules];"
        "assert F.wer(['a b c'], ['a x c']) == 1 / 3;"
        "F.bleu(['the cat sat on the mat'], [['the cat sat on the mat']]); F.cider_d(['a cat'], [['a cat', 'one cat']]);"
        "heavy += [m for m in ('torch', 'transformers', 'open_clip', 'diffusers', 'cleanfid') if m in sys.modules];"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout
