"""Rasa SDK actions: the assistant's behaviour.

Modules by concern: ``texts`` (locale catalogue), ``slot_rules`` (the one slot whitelist),
``state`` (validated view of a tracker), ``intents`` (the help type ↔ intent ↔ payload table), ``buttons`` (keyboards),
``hotline`` (every mention of the hotline, from ``content/hotline.yml``; the text shown whatever
fails is ``safety.fallback``), ``render`` (directory results as text), ``content`` (the reviewed guides of
``content/``), ``risk`` (the self-check's rule), ``usage`` (anonymous daily counters), and the
actions themselves in ``conversation``, ``help_form``, ``results`` and ``guides``.
"""
