"""Rasa SDK actions: the assistant's behaviour.

Modules by concern: ``texts`` (locale catalogue), ``slot_rules`` (the one slot whitelist),
``state`` (validated view of a tracker), ``buttons`` (keyboards), ``safety_net`` (numbers shown
whatever fails), ``render`` (directory results as text), and the actions themselves in
``conversation``, ``help_form`` and ``results``.
"""
