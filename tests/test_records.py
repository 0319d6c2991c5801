"""Run records: the JSON Schema accepts what the runner writes and refuses the rest."""

from __future__ import annotations

import copy
import json

import pytest

from tests.bench.test_runner import spec
from transmodal.bench.runner import run
from transmodal.records import read_record, validate
from transmodal.types import TransmodalError


@pytest.fixture(scope="module")
def record_data(tmp_path_factory):
    result = run(spec(tmp_path_factory.mktemp("rec")))
    return json.loads(result.path.read_text())


def test_written_record_validates_and_round_trips(record_data, tmp_path):
    validate(record_data)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record_data))
    (tmp_path / "samples.jsonl").write_text("")
    assert read_record(path).to_dict() == record_data


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["metrics"][0].pop("signature"), "signature"),
    (lambda d: d.update(schema_version="2.0"), "schema version 2.0"),
    (lambda d: d["task"].update(kind="dance"), "task/kind"),
    (lambda d: d["timings"].update(generated=-1), "timings/generated"),
    (lambda d: d.update(surprise=1), "Additional properties"),
])
def test_invalid_records_are_refused_with_the_field_named(record_data, mutate, message):
    broken = copy.deepcopy(record_data)
    mutate(broken)
    with pytest.raises(TransmodalError, match=message):
        validate(broken)


def test_corrupt_record_file_is_a_clear_error(tmp_path):
    (tmp_path / "record.json").write_text("{not json")
    with pytest.raises(TransmodalError, match="not valid JSON"):
        read_record(tmp_path)
