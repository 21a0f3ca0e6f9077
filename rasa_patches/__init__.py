"""Patches of Rasa's (and spaCy's, skops') internals for speed, each pinned by its target's source
hash (registry.py) and installed fail-soft by bin/rasa alone (install.py, launch.py; DV_PATCHES).
Plain ``rasa`` runs without them and answers the same (tests/rasa_patches/test_equivalence.py)."""
