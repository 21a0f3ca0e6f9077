"""What keeps a person answered and forgotten, on its own feet (no framework patch needed).

``fallback`` (the text every failure falls back on: hotline, 102 / 103 / 112), ``action_net``
(that text when a custom action fails inside the Rasa server), ``in_process_actions`` (the slot
whitelist runs inside the Rasa server), ``in_server`` (the pipeline entry installing both),
``erase`` (one conversation, under its lock), ``tracker_store`` (delete, purge, secure deletion),
``purge`` (retention from the command line), ``lock_store`` (one conversation's turns in order,
across servers) and ``message_bounds`` (what one message may cost).

Nothing here imports ``safeguards`` or ``rasa_patches``: every module works with every speed
patch off (tests/safety/test_independent.py).
"""
