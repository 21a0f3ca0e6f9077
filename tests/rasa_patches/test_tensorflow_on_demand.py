"""TensorFlow is not imported to serve this assistant, and Rasa behaves the same without it.

The subprocess tests install the patches first, as bin/rasa does, so they check what `bin/rasa run`
really gets.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rasa_patches import fast_skops_import, tensorflow_on_demand
from tests.actions.conftest import REPO

MODEL = REPO / "models" / "dv-help.tar.gz"


# Exactly what bin/rasa does first (DV_PATCHES unset: all). tensorflow_on_demand alone is not
# enough to serve without TensorFlow: skops' stock whichmodule reads an attribute of every module
# in sys.modules, which runs the deferred one; fast_skops_import skips pending modules.
LAUNCH = "from rasa_patches.launch import prepare\nprepare()\n"


def _python(code: str, timeout: float = 240, launch: str = LAUNCH) -> dict:
    """Runs ``code`` in a fresh interpreter from the repository, after what bin/rasa does first;
    it prints one JSON line last."""
    done = subprocess.run(
        [sys.executable, "-c", launch + textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_only_the_launcher_installs_it():
    code = """
        import json, sys
        import rasa.core.agent
        print(json.dumps({"hook": "rasa_patches.tensorflow_on_demand" in sys.modules,
                          "tf": "tensorflow" in sys.modules}))
    """
    assert _python(code) == {"hook": True, "tf": False}
    assert _python(code, launch="") == {"hook": False, "tf": True}  # plain Python of .venv: Rasa as it is


@pytest.mark.skipif(not MODEL.exists(), reason="needs the trained model (bin/setup)")
def test_loading_and_running_the_model_never_imports_tensorflow():
    found = _python(f"""
        import asyncio, json, sys
        import rasa.core.agent
        from rasa.core.agent import Agent
        agent = Agent.load({str(MODEL)!r})
        parsed = asyncio.run(agent.parse_message("нужен юрист в Бобруйске"))
        tracker = asyncio.run(agent.processor.fetch_tracker_and_update_session("t"))
        prediction = agent.processor.predict_next_with_tracker(tracker)
        print(json.dumps({{
            "intent": parsed["intent"]["name"],
            "entities": sorted(e["entity"] for e in parsed["entities"]),
            "predicted": bool(prediction),
            "tensorflow": sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "jax")),
            "train_utils_pending": type(sys.modules["rasa.utils.train_utils"]).__name__ == "DeferredModule"
                and not sys.modules["rasa.utils.train_utils"].__dict__.get("_dv_loaded", False),
        }}))
    """)
    assert found["intent"] == "need_legal"
    assert found["entities"] == ["district", "region"]
    assert found["predicted"]
    assert found["tensorflow"] == []
    assert found["train_utils_pending"]


def test_deferred_train_utils_is_the_real_module_on_first_use():
    found = _python("""
        import json, sys
        import rasa.utils.train_utils
        spec_read = rasa.utils.train_utils.__spec__.name  # the import system's reads do not run it
        before = "tensorflow" in sys.modules
        from rasa.utils.train_utils import init_split_entities, create_common_callbacks
        print(json.dumps({"spec": spec_read, "before": before, "after": "tensorflow" in sys.modules,
                          "split": init_split_entities({"split_entities_by_comma": True}, True),
                          "callbacks": create_common_callbacks.__module__}))
    """)
    assert found == {
        "spec": "rasa.utils.train_utils",
        "before": False,
        "after": True,
        "split": {"split_entities_by_comma": True},
        "callbacks": "rasa.utils.train_utils",
    }


@pytest.mark.skipif(not MODEL.exists(), reason="needs the trained model (bin/setup)")
def test_lazy_training_schema_equals_the_eagerly_parsed_one():
    found = _python(f"""
        import copy, json, sys, tarfile
        from rasa.engine.graph import GraphSchema
        from rasa.engine.storage.local_model_storage import LocalModelStorage
        metadata = LocalModelStorage.metadata_from_archive({str(MODEL)!r})
        loaded_before = "rasa.graph_components.validators.default_recipe_validator" in sys.modules
        with tarfile.open({str(MODEL)!r}) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith("metadata.json"))
            serialized = json.load(archive.extractfile(member))
        eager = GraphSchema.from_dict(copy.deepcopy(serialized["train_schema"])).as_dict()
        print(json.dumps({{
            "loaded_before": loaded_before,
            "same_train": metadata.train_schema.as_dict() == eager,
            "same_predict": metadata.predict_schema.as_dict()
                            == GraphSchema.from_dict(copy.deepcopy(serialized["predict_schema"])).as_dict(),
            "same_dict": json.dumps(metadata.as_dict(), sort_keys=True, default=str)
                         == json.dumps(type(metadata)._dv_eager_from_dict(copy.deepcopy(serialized)).as_dict(),
                                       sort_keys=True, default=str),
            "class": type(metadata).__name__,
            "replaced": (setattr(metadata, "train_schema", GraphSchema({{}})) or metadata.as_dict()["train_schema"]),
        }}))
    """)
    assert found == {
        "loaded_before": False,
        "same_train": True,
        "same_predict": True,
        "same_dict": True,
        "class": "ModelMetadata",
        "replaced": {"nodes": {}},
    }


def _fake_package(tmp_path: Path) -> Path:
    package = tmp_path / "dv_fake_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "heavy.py").write_text(
        "import builtins\nbuiltins.dv_fake_runs = getattr(builtins, 'dv_fake_runs', 0) + 1\n"
        "VALUE = 42\ndef f():\n    return VALUE\n"
    )
    return package


def test_a_deferred_module_runs_once_on_first_attribute_read(tmp_path, monkeypatch):
    import builtins

    _fake_package(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    finder = tensorflow_on_demand._Finder(["dv_fake_pkg.heavy"], {})
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    monkeypatch.setattr(builtins, "dv_fake_runs", 0, raising=False)
    try:
        import dv_fake_pkg.heavy  # noqa: F401 - the import is what is tested
        import dv_fake_pkg.heavy as again  # importing twice reads __spec__: must not run it

        assert builtins.dv_fake_runs == 0
        assert tensorflow_on_demand.is_pending(again)
        assert hasattr(again, "__file__") and again.__name__ == "dv_fake_pkg.heavy"
        from dv_fake_pkg.heavy import f

        assert f() == 42 and again.VALUE == 42
        assert builtins.dv_fake_runs == 1
        assert not tensorflow_on_demand.is_pending(again)
        with pytest.raises(AttributeError):
            again.missing_name  # noqa: B018 - the read is what is tested
        assert builtins.dv_fake_runs == 1
    finally:
        for name in ("dv_fake_pkg.heavy", "dv_fake_pkg"):
            sys.modules.pop(name, None)


def test_fast_whichmodule_does_not_run_pending_modules_and_answers_the_same(tmp_path, monkeypatch):
    import builtins

    import numpy as np

    _fake_package(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "meta_path", [tensorflow_on_demand._Finder(["dv_fake_pkg.heavy"], {}), *sys.meta_path])
    monkeypatch.setattr(builtins, "dv_fake_runs", 0, raising=False)
    try:
        import dv_fake_pkg.heavy as pending

        def reference(obj, name):  # pickle's rule, skipping what cannot hold anything yet
            for module_name, module in sys.modules.copy().items():
                if module_name in ("__main__", "__mp_main__") or module is None or tensorflow_on_demand.is_pending(module):
                    continue
                if getattr(module, name, None) is obj:
                    return module_name
            return "__main__"

        fast = fast_skops_import.make_whichmodule(reference)
        for ufunc in (np.absolute, np.add, np.sin):
            assert fast(ufunc, ufunc.__name__) == reference(ufunc, ufunc.__name__)
        assert tensorflow_on_demand.is_pending(pending) and builtins.dv_fake_runs == 0
    finally:
        for name in ("dv_fake_pkg.heavy", "dv_fake_pkg"):
            sys.modules.pop(name, None)


def test_too_late_is_an_error_the_installer_reports():
    """In this process Rasa is imported already: installing now would change nothing, so it says so
    (rasa_patches.install turns that into its one warning) instead of pretending."""
    import rasa.utils.train_utils  # noqa: F401 - Rasa imported: now it is too late

    with pytest.raises(RuntimeError, match="too late"):
        tensorflow_on_demand.install()
    assert not any(isinstance(f, tensorflow_on_demand._Finder) for f in sys.meta_path)


_TRAINING_GRAPH = """
    import json, sys, warnings
    import rasa.shared.utils.io
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.shared.importers.importer import TrainingDataImporter
    CONFIGS = {configs!r}
    out = []
    for path in CONFIGS:
        config = rasa.shared.utils.io.read_model_configuration(path)
        model = DefaultV1Recipe().graph_config_for_recipe(config, {{}})
        from rasa.graph_components.validators.default_recipe_validator import DefaultV1RecipeValidator
        importer = TrainingDataImporter.load_from_config(path, "domain.yml", ["data"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            DefaultV1RecipeValidator(model.train_schema).validate(importer)
        validator = sys.modules["rasa.graph_components.validators.default_recipe_validator"]
        out.append({{
            "schema": json.dumps(model.train_schema.as_dict(), sort_keys=True, default=str),
            # what Rasa warns about (not the import machinery's deprecations while modules load)
            "warnings": sorted(str(w.message) for w in caught if not issubclass(w.category, (DeprecationWarning, ImportWarning))),
            "stand_ins": bool(getattr(validator, "_dv_stand_ins", False)),
            "diet_is_real": not getattr(validator.DIETClassifier, "_dv_stand_in", False),
            "tensorflow": "tensorflow" in sys.modules,
        }})
    print(json.dumps(out))
"""


def _training_graph(configs, hook: bool = True):
    env = {"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"}
    code = (LAUNCH if hook else "") + textwrap.dedent(_TRAINING_GRAPH.format(configs=[str(c) for c in configs]))
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _diet_config(tmp_path: Path) -> Path:
    path = tmp_path / "diet.yml"
    path.write_text(
        "recipe: default.v1\nlanguage: ru\npipeline:\n  - name: WhitespaceTokenizer\n"
        "  - name: CountVectorsFeaturizer\n  - name: DIETClassifier\n    epochs: 1\n"
        "policies:\n  - name: RulePolicy\n  - name: TEDPolicy\n    epochs: 1\n"
    )
    return path


def test_training_graph_and_validator_warnings_are_the_same_without_tensorflow(tmp_path):
    config = REPO / "config.yml"
    (ours,) = _training_graph([config])
    (rasas,) = _training_graph([config], hook=False)
    assert ours["stand_ins"] and not ours["tensorflow"]
    assert rasas["tensorflow"] and not rasas["stand_ins"]
    assert ours["schema"] == rasas["schema"]
    assert ours["warnings"] == rasas["warnings"]
    (diet,) = _training_graph([_diet_config(tmp_path)])
    (diet_rasa,) = _training_graph([_diet_config(tmp_path)], hook=False)
    assert diet["diet_is_real"] and diet["tensorflow"] and not diet["stand_ins"]
    assert (diet["schema"], diet["warnings"]) == (diet_rasa["schema"], diet_rasa["warnings"])


def test_a_tensorflow_configuration_after_ours_gets_the_real_classes(tmp_path):
    first, second = _training_graph([REPO / "config.yml", _diet_config(tmp_path)])
    (alone,) = _training_graph([_diet_config(tmp_path)], hook=False)
    assert first["stand_ins"] and not first["tensorflow"]
    assert second["diet_is_real"] and not second["stand_ins"]
    assert (second["schema"], second["warnings"]) == (alone["schema"], alone["warnings"])


def test_names_tensorflow_component():
    names = tensorflow_on_demand.names_tensorflow_component
    assert not names({"pipeline": [{"name": "LogisticRegressionClassifier"}], "policies": [{"name": "RulePolicy"}]})
    assert names({"pipeline": [{"name": "DIETClassifier"}]})
    assert names({"pipeline": [{"name": "rasa.nlu.selectors.response_selector.ResponseSelector"}]})
    assert names({"policies": [{"name": "UnexpecTEDIntentPolicy"}]})
    assert names({"pipeline": [{"nme": "typo"}]})  # unreadable: assume it might
    assert not names({})
