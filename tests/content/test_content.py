"""The reviewed content (content/): every item sourced, complete in three languages, phone-sized.

The loader enforces the rules (actions/content.py); these tests check the real tree passes
them and that each rule really rejects a broken tree.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from actions.content import CONTENT_DIR, MAX_SCREEN_CHARS, ContentError, fill, load
from actions.texts import LANGUAGES


def test_every_item_a_person_can_read_has_a_source_that_says_where_it_is_from():
    tree = load()
    items = tree.texts_with_sources()
    assert len(items) >= 25
    for where, _texts, sources in items:
        assert sources, where
        for source_id in sources:
            source = tree.sources[source_id]
            assert source.title and (source.url or source.publisher or source.kind == "project"), (where, source_id)


def test_every_text_is_in_every_language_and_fits_a_phone_screen():
    for where, texts, _ in load().texts_with_sources():
        assert set(texts) == set(LANGUAGES), where
        for lang in LANGUAGES:
            assert 0 < len(fill(texts[lang])) <= MAX_SCREEN_CHARS, (where, lang)


def test_the_risk_check_names_its_instrument_and_is_not_a_diagnosis():
    check = load().risk_check
    assert check.instrument and check.instrument_sources and check.adaptation
    assert 8 <= len(check.questions) <= 12
    assert any(q.red_flag for q in check.questions)
    for lang, words in {"ru": "диагноз", "be": "дыягназ", "en": "diagnosis"}.items():
        assert words in check.intro[lang].lower(), lang


def test_legal_statements_rest_on_a_legal_act_or_an_official_source():
    tree = load()
    for screen in tree.guides["rights"].screens:
        kinds = {tree.sources[s].kind for s in screen.sources}
        assert kinds & {"law", "official"}, screen.id


def broken_copy(tmp_path: Path, relative: str, change) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    path = root / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "relative,change,message",
    [
        ("guides/rights.yml", lambda d: d["screens"][0].update(sources=[]), "at least one source"),
        ("guides/rights.yml", lambda d: d["screens"][0].update(sources=["made_up"]), "unknown source"),
        ("guides/witness.yml", lambda d: d["screens"][0]["text"].pop("be"), "languages"),
        ("guides/about.yml", lambda d: d["screens"][0]["text"].update(en="Call {boss}"), "braces"),
        ("guides/safety_plan.yml", lambda d: d["screens"][0]["text"].update(ru="я" * (MAX_SCREEN_CHARS + 1)), "more than"),
        ("guides/safety_plan.yml", lambda d: d.update(offers=["contacts:pizza"]), "unknown offers"),
        ("risk_check.yml", lambda d: d["rule"].update(red_flags=["no_such_question"]), "red flags"),
        ("risk_check.yml", lambda d: d.update(questions=d["questions"][:3]), "8–12"),
        ("sources.yml", lambda d: next(iter(d["sources"].values())).update(url="http://example.org"), "https"),
    ],
)
def test_a_broken_tree_is_refused_with_a_message_naming_the_item(tmp_path, relative, change, message):
    with pytest.raises(ContentError, match=message):
        load(broken_copy(tmp_path, relative, change))


REPO = CONTENT_DIR.parent
WEB_EXIT = {"ru": "Быстрый выход", "be": "Хуткі выхад", "en": "Exit this page"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_about_and_privacy_promises_what_the_configuration_does(lang):
    """The numbers people are told (retention, session expiry) and the names of the erase
    buttons must match the running system, not an earlier version of it."""
    from actions.texts import text

    endpoints = yaml.safe_load((REPO / "endpoints.yml").read_text(encoding="utf-8"))
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    web_i18n = (REPO / "web" / "i18n.js").read_text(encoding="utf-8")
    about = {s.id: s.text[lang] for s in load().guides["about"].screens}
    retention = endpoints["tracker_store"]["retention_hours"]
    assert str(int(retention)) in about["stored"]
    assert str(domain["session_config"]["session_expiration_time"]) in about["stored"]
    assert text(lang, "telegram.erase_button") in about["erase"]
    assert WEB_EXIT[lang] in about["erase"] and WEB_EXIT[lang] in web_i18n
