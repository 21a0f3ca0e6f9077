"""Safeguards inside the Rasa server process (see ``action_safety_net``)."""
