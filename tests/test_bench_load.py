"""The load command's arithmetic: percentiles and the per-minute timeline of a soak."""

from __future__ import annotations

from bench.load import Stats, percentile, report, timeline


def test_percentile_picks_the_ranked_value():
    values = [i / 1000 for i in range(1, 101)]  # 1..100 ms
    assert percentile(values, 0.5) == 0.051 and percentile(values, 0.95) == 0.095 and percentile(values, 1) == 0.1
    assert percentile([], 0.95) != percentile([], 0.95)  # NaN for no data


def test_timeline_buckets_by_minute_of_completion():
    stats = Stats(started=1000.0, elapsed=185.0)
    for second in range(180):  # minute 1: 1 turn/s at 10 ms; minutes 2–3: 2 turns/s, slower in minute 3
        for _ in range(1 if second < 60 else 2):
            stats.finished.append(1000.0 + second + 0.5)
            stats.latencies.append(0.010 if second < 120 else 0.030)
    stats.finished.append(1184.0)  # in the unfinished fourth minute: not reported
    stats.latencies.append(5.0)
    assert timeline(stats) == [(1, 1, 10.0), (2, 2, 10.0), (3, 2, 30.0)]
    text = report(stats, [])
    assert "per minute, turns/s: 1 2 2" in text and "per minute, p95 ms:  10 10 30" in text


def test_short_runs_have_no_timeline():
    stats = Stats(started=0.0, elapsed=60.0, latencies=[0.01], finished=[1.0])
    assert "per minute" not in report(stats, [])


def _as_the_rest_channel_returns(text: str) -> list:
    """What a REST client receives for one bot text: Rasa's collecting channel splits it at blank lines."""
    import asyncio

    from rasa.core.channels.channel import CollectingOutputChannel

    channel = CollectingOutputChannel()
    asyncio.run(channel.send_text_message("someone", text))
    return channel.messages


def test_the_safety_net_answer_counts_as_an_error_in_every_language():
    from actions.texts import LANGUAGES
    from bench.load import safety_net_answer
    from safety import fallback

    for lang in LANGUAGES:
        reply = _as_the_rest_channel_returns(fallback.unavailable_text(lang))
        assert len(reply) > 1  # split into several messages: the whole text is in none of them
        assert safety_net_answer(reply)


def test_a_healthy_answer_is_not_a_safety_net_answer():
    from bench.load import safety_net_answer
    from safety import fallback

    reply = _as_the_rest_channel_returns("Юридическая помощь в Гомеле:\n\n" + fallback.footer("ru"))
    assert safety_net_answer(reply) is None
    assert safety_net_answer([{"recipient_id": "x", "image": "https://example.org/map.png"}]) is None
