"""Shared pytest set-up: offline hubs and a private transmodal cache for the test session."""

import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
# Outputs, judge transcripts, Inception features and assembled weights of the tests never
# touch (or reuse) the user's ~/.cache/transmodal.
os.environ["TRANSMODAL_CACHE"] = tempfile.mkdtemp(prefix="transmodal-test-cache-")
