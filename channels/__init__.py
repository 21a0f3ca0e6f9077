"""Channel connectors: how people reach the assistant (Telegram, the website)."""
