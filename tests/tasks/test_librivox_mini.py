"""librivox-mini loader: the Debian pocketsphinx-testdata recordings and their transcripts."""

import shutil

import pytest
import soundfile

from transmodal.tasks.datasets import librivox_mini
from transmodal.types import TransmodalError

installed = (librivox_mini.DEFAULT_ROOT / "librivox" / "transcription").is_file()
needs_testdata = pytest.mark.skipif(not installed, reason="needs Debian pocketsphinx-testdata")


@needs_testdata
def test_loads_the_ten_transcribed_recordings():
    samples = librivox_mini.load()
    assert len(samples) == 10
    groups = [s.meta["group"] for s in samples]
    assert groups == ["librivox"] * 5 + ["cards"] * 5
    assert len({s.id for s in samples}) == 10
    by_id = {s.id: s for s in samples}
    # hand-checked against librivox/transcription and cards/cards.transcription
    assert by_id["librivox/sense_and_sensibility_01_austen_64kb-0880"].references == ("he was not an ill disposed young man",)
    assert by_id["cards/004"].references == ("five five",)
    for sample in samples:
        info = soundfile.info(str(sample.source))
        assert (info.samplerate, info.channels) == (16000, 1)
        assert sample.source.name.startswith(sample.id.split("/")[1])
        assert "<s>" not in sample.references[0] and "  " not in sample.references[0]


def test_parse_transcription(tmp_path):
    path = tmp_path / "t"
    path.write_text("<s> ten of  clubs  </s> (001)\n\n<s> a b </s> (x-2)\n")
    assert librivox_mini.parse_transcription(path) == [("001", "ten of clubs"), ("x-2", "a b")]
    path.write_text("no id here\n")
    with pytest.raises(TransmodalError, match=r"t:1"):
        librivox_mini.parse_transcription(path)


def test_missing_package_says_how_to_install(tmp_path):
    with pytest.raises(TransmodalError, match="apt-get install pocketsphinx-testdata") as error:
        librivox_mini.load(tmp_path)
    assert "\n" not in str(error.value)
    assert librivox_mini.dataset_id(tmp_path) == "librivox-mini@unavailable"


def test_root_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSMODAL_POCKETSPHINX_TESTDATA", str(tmp_path))
    assert librivox_mini.data_root() == tmp_path


@pytest.fixture
def copy_of_data(tmp_path):
    if not installed:
        pytest.skip("needs Debian pocketsphinx-testdata")
    for group in ("librivox", "cards"):
        shutil.copytree(librivox_mini.DEFAULT_ROOT / group, tmp_path / group)
    return tmp_path


def test_dataset_id_pins_the_content(copy_of_data):
    original = librivox_mini.dataset_id()
    assert original.startswith("librivox-mini@") and len(original) == len("librivox-mini@") + 16
    assert librivox_mini.dataset_id(copy_of_data) == original  # same bytes, other folder
    transcript = copy_of_data / "cards" / "cards.transcription"
    transcript.write_text(transcript.read_text().replace("five five", "five six"))
    changed = librivox_mini.dataset_id(copy_of_data)
    assert changed != original


def test_audio_change_changes_the_id(copy_of_data):
    original = librivox_mini.dataset_id(copy_of_data)
    wav = copy_of_data / "cards" / "001.wav"
    data, rate = soundfile.read(str(wav), dtype="int16")
    data[100] = data[100] + 1
    soundfile.write(str(wav), data, rate, subtype="PCM_16")
    assert librivox_mini.dataset_id(copy_of_data) != original


def test_missing_audio_file(copy_of_data):
    (copy_of_data / "cards" / "003.wav").unlink()
    with pytest.raises(TransmodalError, match="003.wav"):
        librivox_mini.load(copy_of_data)
