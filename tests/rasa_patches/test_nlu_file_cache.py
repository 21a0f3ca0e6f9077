"""NLU files parsed once per process give exactly what Rasa's file importer gives, every time."""

from __future__ import annotations

import json
import textwrap
import warnings
from pathlib import Path
from typing import Any, List, Tuple

import pytest
from rasa.shared.exceptions import YamlException
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_patches import nlu_file_cache
from tests.actions.conftest import REPO

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _snapshot(data: TrainingData) -> Tuple[Any, ...]:
    """Everything a TrainingData holds, in order (examples with all their attributes)."""
    return (
        [(m.data, sorted(m.output_properties), m.time, m.features) for m in data.training_examples],
        data.entity_synonyms,
        data.regex_features,
        data.lookup_tables,
        data.responses,
        data.fingerprint(),
    )


class FileCachingImporter(RasaFileImporter):
    """``RasaFileImporter`` with the patched ``get_nlu_data`` (what installing the patch makes of it)."""

    get_nlu_data = nlu_file_cache.get_nlu_data


def _importers(paths: List[str]) -> Tuple[RasaFileImporter, FileCachingImporter]:
    args = (str(REPO / "config.yml"), str(REPO / "domain.yml"), paths)
    return RasaFileImporter(*args), FileCachingImporter(*args)


@pytest.fixture(autouse=True)
def _fresh_cache():
    nlu_file_cache.clear()
    yield
    nlu_file_cache.clear()


def test_project_data_is_identical_on_every_call_and_language():
    rasa_importer, caching = _importers([str(REPO / "data")])
    for language in ("ru", "en", "ru", None):
        expected = _snapshot(rasa_importer.get_nlu_data(language))
        assert _snapshot(caching.get_nlu_data(language)) == expected
    files = len(caching._nlu_files)
    assert files >= 20
    assert nlu_file_cache.stats == {"parsed": files, "reused": 3 * files, "uncached": 0}
    assert len(expected[0]) > 3000


def test_each_call_returns_independent_data(tmp_path):
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(
        textwrap.dedent("""\
        version: "3.1"
        nlu:
        - intent: greet
          examples: |
            - привет
            - [Минск](city) добрый день
        - synonym: minsk
          examples: |
            - Минск
        - lookup: city
          examples: |
            - Минск
        - regex: code
          examples: |
            - \\d{3}
        responses:
          utter_faq/ask:
          - text: ответ
        """),
        encoding="utf-8",
    )
    rasa_importer, caching = _importers([str(tmp_path)])
    expected = _snapshot(rasa_importer.get_nlu_data())
    first = caching.get_nlu_data()
    assert _snapshot(first) == expected
    first.training_examples[0].set("text", "changed")
    first.responses["utter_faq/ask"][0]["text"] = "changed"
    first.lookup_tables[0]["elements"].append("Гомель")
    first.regex_features[0]["pattern"] = "changed"
    assert _snapshot(caching.get_nlu_data()) == expected
    assert nlu_file_cache.stats["reused"] == 1


def _outcome(importer: Any) -> Tuple[Any, ...]:
    """What a call gives: the data's snapshot or the exception, and the warnings shown."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result: Any = _snapshot(importer.get_nlu_data())
        except Exception as error:  # noqa: BLE001 - the exception is what is compared
            result = (type(error), str(error))
    return result, [
        (w.category, str(w.message), w.filename, w.lineno) for w in caught if not issubclass(w.category, DeprecationWarning)
    ]


@pytest.mark.parametrize(
    "content, kind",
    [
        ('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n  - oops: [\n', YamlException),
        ('version: "3.1"\nnlu:\n- intent: greet\n  examples: 5\n', YamlException),
        ('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    - [Minsk]{"entity": 5}\n', Exception),
    ],
)
def test_invalid_files_are_refused_with_the_same_message_every_time(tmp_path, content, kind):
    (tmp_path / "nlu.yml").write_text(content, encoding="utf-8")
    rasa_importer, caching = _importers([str(tmp_path)])
    expected = _outcome(rasa_importer)
    assert isinstance(expected[0], tuple) and issubclass(expected[0][0], kind)
    for _ in range(2):
        assert _outcome(caching) == expected
    assert nlu_file_cache.stats["parsed"] == 0


WARNED = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello
- intent: empty
  examples: ""
- synonym: minsk
  examples: ""
"""


def test_files_with_warnings_are_not_cached_and_warn_the_same(tmp_path):
    (tmp_path / "nlu.yml").write_text(WARNED, encoding="utf-8")
    rasa_importer, caching = _importers([str(tmp_path)])
    expected = _outcome(rasa_importer)
    assert len(expected[1]) == 2  # Rasa warns about the empty intent and the empty synonym
    for _ in range(2):
        assert _outcome(caching) == expected
    assert nlu_file_cache.stats["parsed"] == 0 and nlu_file_cache.stats["uncached"] == 2


def test_warnings_are_shown_as_often_as_without_the_cache(tmp_path):
    """Under the default filters a re-read file's warnings are shown as often as before."""
    (tmp_path / "nlu.yml").write_text(WARNED, encoding="utf-8")
    rasa_importer, caching = _importers([str(tmp_path)])
    shown = []
    for importer in (rasa_importer, caching):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            for _ in range(2):
                importer.get_nlu_data()
        shown.append([str(w.message) for w in caught if not issubclass(w.category, DeprecationWarning)])
    assert shown[0] == shown[1] and len(shown[0]) >= 2


def test_a_changed_file_is_read_again(tmp_path):
    nlu = tmp_path / "nlu.yml"
    nlu.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n', encoding="utf-8")
    rasa_importer, caching = _importers([str(tmp_path)])
    assert _snapshot(caching.get_nlu_data()) == _snapshot(rasa_importer.get_nlu_data())
    nlu.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    - hey\n', encoding="utf-8")
    changed = caching.get_nlu_data()
    assert [m.get("text") for m in changed.training_examples] == ["hi", "hey"]
    assert _snapshot(changed) == _snapshot(rasa_importer.get_nlu_data())
    assert nlu_file_cache.stats == {"parsed": 2, "reused": 0, "uncached": 0}


def test_other_formats_go_to_rasa_unchanged(tmp_path):
    (tmp_path / "nlu.json").write_text(
        json.dumps(
            {
                "rasa_nlu_data": {
                    "common_examples": [
                        {"text": "hi", "intent": "greet", "entities": []},
                        {"text": "bye", "intent": "goodbye", "entities": []},
                    ]
                }
            }
        ),
        encoding="utf-8",
    )
    rasa_importer, caching = _importers([str(tmp_path)])
    for _ in range(2):
        assert _snapshot(caching.get_nlu_data()) == _snapshot(rasa_importer.get_nlu_data())
    assert nlu_file_cache.stats["parsed"] == 0 and nlu_file_cache.stats["uncached"] == 2


def test_a_missing_path_fails_as_in_rasa(tmp_path):
    from rasa.shared.nlu.training_data import loading

    missing = str(tmp_path / "missing.yml")
    with pytest.raises(ValueError) as expected:
        loading.load_data(missing, "en")
    with pytest.raises(ValueError) as raised:
        nlu_file_cache.load_file(missing, "en")
    assert str(raised.value) == str(expected.value)


def test_installed_it_serves_rasas_importer_stack_alike():
    reference = E2EReference()
    expected = (_snapshot(reference.get_nlu_data("ru")), reference.get_domain().as_dict(), reference.get_stories().fingerprint())
    nlu_file_cache.install()
    try:
        importer = TrainingDataImporter.load_from_config(str(REPO / "config.yml"), str(REPO / "domain.yml"), [str(REPO / "data")])
        got = (_snapshot(importer.get_nlu_data("ru")), importer.get_domain().as_dict(), importer.get_stories().fingerprint())
    finally:
        nlu_file_cache.uninstall()
    assert got == expected


def E2EReference() -> TrainingDataImporter:  # noqa: N802 - reads like the class it builds
    """Rasa's default importer stack for the project (what config.yml without ``importers`` gives)."""
    return TrainingDataImporter.load_from_dict({}, str(REPO / "config.yml"), str(REPO / "domain.yml"), [str(REPO / "data")])


def test_the_file_list_is_rasas():
    rasa_importer, caching = _importers([str(REPO / "data")])
    assert caching._nlu_files == rasa_importer._nlu_files
    assert all(Path(f).exists() for f in caching._nlu_files)
