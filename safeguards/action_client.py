"""Transitional, until the safety branch is merged: ``safeguards/tracker_store.py`` still takes its
JSON decoder from here (the safety branch gives it its own). Delete at merge."""
from rasa_patches.action_client import loads

__all__ = ["loads"]
