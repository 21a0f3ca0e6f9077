"""Debug-log arguments are not deep-copied at INFO; the patched modules use ``copy`` for nothing else."""

from __future__ import annotations

import ast
import importlib
import inspect
import logging

import pytest
import structlog

from rasa_patches import debug_log_copies


@pytest.mark.parametrize("module_name", debug_log_copies.MODULES)
def test_copy_is_only_used_for_debug_log_arguments(module_name):
    source = inspect.getsource(importlib.import_module(module_name))
    tree = ast.parse(source)
    in_debug_call = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "debug"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "structlogger"
        ):
            for value in [*node.args, *(keyword.value for keyword in node.keywords)]:
                in_debug_call.add(id(value))
    uses = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "copy"
    ]
    assert uses, "the module no longer uses copy: drop it from MODULES"
    calls = {id(node.func): node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for use in uses:
        call = calls.get(id(use))
        assert (
            use.attr == "deepcopy" and call is not None and id(call) in in_debug_call
        ), f"{module_name} line {use.lineno}: copy.{use.attr} outside a structlogger.debug argument"


@pytest.fixture
def structlog_level():
    saved = structlog.get_config()

    def configure(level: int) -> None:
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))

    yield configure
    structlog.configure(**saved)


def test_no_copy_when_debug_is_dropped_and_a_real_copy_otherwise(structlog_level):
    value = {"events": [{"event": "slot", "value": ["a"]}]}
    structlog_level(logging.INFO)
    assert debug_log_copies.debug_dropped()
    assert debug_log_copies.deepcopy(value) is value
    structlog_level(logging.DEBUG)
    assert not debug_log_copies.debug_dropped()
    copied = debug_log_copies.deepcopy(value)
    assert copied == value and copied is not value and copied["events"][0]["value"] is not value["events"][0]["value"]
