"""Run the model's graph in a precomputed order instead of through dask, with the same results.

Why (measured, py-spy over served conversations): every message runs the NLU graph and every
action prediction runs the policy graph through ``DaskGraphRunner.run``, which per call computes
the minimal sub-schema for the targets, builds a dask task dict, formats a debug message with
the whole tracker in it (an f-string, evaluated even when debug logging is off) and has dask's
synchronous scheduler order and execute the tasks. That bookkeeping was ~7 % of the Rasa
server's CPU per turn, for graphs of a dozen nodes that run the same way every time.

``run`` below does what ``dask.get`` does with Rasa's task dict — each node called once, in an
order where its inputs are ready, with the ``(name, value)`` result of every node and input it
needs, results returned for the targets — with the order and sub-schema computed once per set
of targets. dask's synchronous scheduler runs in the calling thread, one task at a time, and
Rasa's nodes talk to each other only through their inputs, so results are the same;
``tests/rasa_patches/test_graph_runner.py`` compares both runners on the real model.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

logger = logging.getLogger(__name__)


def _plan(runner: DaskGraphRunner, targets: Sequence[Text]) -> List[Tuple[Text, Tuple[Text, ...]]]:
    """Nodes needed for ``targets`` in dependency order, each with the names it needs."""
    cache: Dict[Tuple[Text, ...], List[Tuple[Text, Tuple[Text, ...]]]] = runner.__dict__.setdefault("_dv_plans", {})
    key = tuple(targets)
    if key not in cache:
        schema = runner._graph_schema.minimal_graph_schema(list(targets))
        order: List[Tuple[Text, Tuple[Text, ...]]] = []
        done: set = set()
        visiting: set = set()

        def visit(name: Text) -> None:
            if name in done or name not in schema.nodes:
                return
            if name in visiting:
                raise GraphRunError(f"Cycle in the graph at '{name}'.")
            visiting.add(name)
            needs = tuple(schema.nodes[name].needs.values())
            for dependency in needs:
                visit(dependency)
            visiting.discard(name)
            done.add(name)
            order.append((name, needs))

        for name in schema.nodes:
            visit(name)
        cache[key] = order
    return cache[key]


def run(self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
    """Same contract and results as ``DaskGraphRunner.run``."""
    run_targets = targets if targets else self._graph_schema.target_names
    plan = _plan(self, run_targets)
    values: Dict[Text, Any] = {}
    for input_name, input_value in (inputs or {}).items():
        if isinstance(input_value, str) and any(input_value == name for name, _ in plan):
            raise GraphRunError(
                f"Input value '{input_value}' clashes with a node name. Make sure that none of the input names "
                f"passed to the `run` method are the same as node names in the graph schema."
            )
        values[input_name] = (input_name, input_value)
    nodes = self._instantiated_nodes
    try:
        for name, needs in plan:
            values[name] = nodes[name](*(values[dependency] for dependency in needs))
    except RuntimeError as error:  # as DaskGraphRunner.run does
        raise GraphRunError("Error running runner.") from error
    return dict(values[target] for target in run_targets)


def install() -> None:
    if getattr(DaskGraphRunner.run, "_dv_sequential", False):
        return
    run._dv_sequential = True  # type: ignore[attr-defined]  # a marker on the function
    run._dask = DaskGraphRunner.run  # type: ignore[attr-defined]  # a marker on the function
    DaskGraphRunner.run = run
