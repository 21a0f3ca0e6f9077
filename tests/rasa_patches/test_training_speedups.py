"""A model trained with every patch (``bin/rasa train``, DV_PATCHES=all) is the model trained
without any (DV_PATCHES=none): same node outputs (training-cache fingerprints), same classifier,
same vocabularies, same answers on the held-out messages. (Two trainings in subprocesses: about
two minutes on 2 cores.)"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
import pytest
import yaml

from tests.actions.conftest import REPO
from tests.rasa_patches import nlu_pipeline

pytestmark = pytest.mark.filterwarnings("ignore")


TRAIN_AND_DUMP = """
import json, os, sys
from rasa_patches.install import install
install(os.environ["DV_PATCHES"])  # what bin/rasa does first
import rasa.engine.training.hooks as hooks
import rasa.shared.utils.io as rasa_io
from rasa.engine.storage.resource import Resource
from rasa.shared.importers.importer import TrainingDataImporter
original = hooks.TrainingHook.on_after_node
outputs = []
def on_after_node(self, node_name, execution_context, config, output, input_hook_data):
    if not isinstance(output, (Resource, TrainingDataImporter)):  # those fingerprint at random
        outputs.append((node_name, rasa_io.deep_container_fingerprint(output)))
    return original(self, node_name, execution_context, config, output, input_hook_data)
hooks.TrainingHook.on_after_node = on_after_node
sys.argv = ["rasa"] + sys.argv[1:]
from rasa.__main__ import main
try:
    main()
finally:
    json.dump(outputs, open(os.environ["DUMP"], "w"))
"""


def _train(tmp_path: Path, name: str, patches: str) -> Tuple[Path, List[List[str]]]:
    """``rasa train --force`` with an empty training cache, in a new process with a fixed hash seed
    (Rasa orders the training trackers by set iteration); returns the model and (node, output
    fingerprint) of every node whose output is data, not a trained resource or the importer."""
    env = {
        **os.environ,
        "DV_PATCHES": patches,
        "PYTHONHASHSEED": "0",
        "RASA_CACHE_DIRECTORY": str(tmp_path / f"cache-{name}"),
        "DUMP": str(tmp_path / f"{name}.json"),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            TRAIN_AND_DUMP,
            "train",
            "--force",
            "--config",
            "config.yml",
            "--out",
            str(tmp_path / name),
            "--fixed-model-name",
            name,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return tmp_path / name / f"{name}.tar.gz", json.loads((tmp_path / f"{name}.json").read_text())


def _unpack(model: Path, target: Path) -> Dict[str, Path]:
    with tarfile.open(model) as archive:
        archive.extractall(target)
    return {str(p.relative_to(target)): p for p in sorted(target.rglob("*")) if p.is_file()}


async def _parse_all(model: Path, texts: List[str]) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def _without_random_fingerprints(schema: Dict[str, Any]) -> Dict[str, Any]:
    """A graph schema without the resources' output fingerprints (random UUIDs in Rasa)."""
    schema = json.loads(json.dumps(schema))
    for node in schema["nodes"].values():
        if node.get("resource"):
            node["resource"].pop("output_fingerprint", None)
    return schema


def test_the_trained_model_is_the_same(tmp_path):
    import skops.io as sio

    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    reference, reference_outputs = _train(tmp_path, "rasa", "none")
    fast, fast_outputs = _train(tmp_path, "fast", "all")

    # every data output of the graph (NLU data after each component, domain, trackers, …)
    assert sorted(fast_outputs) == sorted(reference_outputs)  # graph_runner may order independent nodes otherwise
    compared = {n for n, _ in fast_outputs if n.startswith("run_")}
    names = [f"run_{entry['name']}{i}" for i, entry in enumerate(config["pipeline"])]
    assert {n for n in names if n.startswith(("run_SpacyNLP", "run_SpacyTokenizer", "run_CountVectorsFeaturizer"))} <= compared

    files = [_unpack(reference, tmp_path / "a"), _unpack(fast, tmp_path / "b")]
    assert files[0].keys() == files[1].keys()
    for name in files[0]:
        a, b = files[0][name], files[1][name]
        if name.endswith(".skops"):
            models = [sio.load(p, trusted=sio.get_untrusted_types(file=p)) for p in (a, b)]
            for attribute in ("coef_", "intercept_", "classes_", "n_iter_"):
                assert np.array_equal(getattr(models[0], attribute), getattr(models[1], attribute)), attribute
        elif name.endswith("metadata.json"):
            meta = [json.loads(p.read_text()) for p in (a, b)]
            assert meta[0].keys() == meta[1].keys()
            for key in meta[0].keys() - {"trained_at", "model_id", "predict_schema"}:
                assert meta[0][key] == meta[1][key], key
            assert _without_random_fingerprints(meta[0]["predict_schema"]) == _without_random_fingerprints(
                meta[1]["predict_schema"]
            )
        else:
            assert a.read_bytes() == b.read_bytes(), name

    heldout = yaml.safe_load((REPO / "tests" / "nlu_eval" / "heldout.yml").read_text(encoding="utf-8"))
    texts = [item["text"] for item in heldout]
    with nlu_pipeline.speedups(False):
        expected = asyncio.run(_parse_all(reference, texts))
    assert asyncio.run(_parse_all(fast, texts)) == expected
