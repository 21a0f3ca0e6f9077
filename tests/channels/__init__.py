"""Telegram channel tests: real Telegram Update JSON against a running Rasa server and a fake Bot API."""
