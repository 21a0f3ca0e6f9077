"""What the coverage walk and the scenario suite count (bench.reply_facts, bench.walk.findings),
on small fixed replies: the instruments must count right before their numbers mean anything."""

from __future__ import annotations

import pytest

from bench import reply_facts as facts
from bench.walk import Answer, findings, region_wide_lines, shows

TODAY = (
    "ТЦСОН Глубокского района\nТелефон: 2-81-22, +375 2156 2-81-23\nЧасы: пн–пт 8:00–17:00, обед 13.00-14.00\n"
    "Проверено: 28.11.2026\nКарта: https://yandex.by/maps/?ll=27.561,53.902&z=16&text=%D0%A2%D0%A6\n\n"
    "В опасности звоните 102 / 103 / 112. Горячая линия 8-801-100-8-801 (ежедневно 8:00–20:00).\n"
    "Ещё раз: 8 801 100 8 801, +375 23 455-40-96, +375234554096"
)


def kinds(text: str):
    return [(p.digits, p.kind) for p in facts.phones(text)]


def test_phones_are_numbers_not_times_dates_or_links():
    assert kinds(TODAY) == [
        ("28122", "local"),
        ("375215628123", "international"),
        ("102", "short"),
        ("103", "short"),
        ("112", "short"),
        ("88011008801", "trunk"),
        ("88011008801", "trunk"),
        ("375234554096", "international"),
        ("375234554096", "international"),
    ]


@pytest.mark.parametrize(
    "printed, kind",
    [
        ("8 (0232) 31-51-61", "trunk"),
        ("+375 (162) 51-10-13", "international"),
        ("8-801-100-16-11", "trunk"),
        ("8-820-0071-1111", "trunk"),
        ("29-59-38", "local"),
        ("(02345) 5-40-96", "local"),
        ("+48 22 123 45 67", "international"),
        ("133", "short"),
    ],
)
def test_kinds(printed, kind):
    assert kinds(f"Телефон: {printed}.") == [(facts.phones(printed)[0].digits, kind)]


def test_a_colon_after_a_number_ends_it_but_a_time_is_not_a_phone():
    text = "☎️ Горячая линия 8-801-100-8-801: ежедневно 8:00–20:00"
    assert [p.raw for p in facts.phones(text)] == ["8-801-100-8-801"]
    assert facts.hotline_mentions(text) == 1 and facts.has_number(text, "8-801-100-8-801")
    assert facts.undiallable(text) == []


def test_a_postal_code_is_not_a_phone():
    assert kinds("Адрес: 246032, г. Гомель, ул. 50 лет БССР, д. 1; тел. 8 (0232) 25-69-94") == [("80232256994", "trunk")]


def test_contact_phones_once_each_without_emergency_and_hotline():
    assert facts.contact_phones(TODAY) == ["28122", "215628123", "234554096"]
    assert facts.undiallable(TODAY) == ["2-81-22"]
    assert facts.repeated_numbers(TODAY) == ["234554096"]
    assert facts.hotline_mentions(TODAY) == 2
    assert facts.contact_phones("Звоните 102, 103 или 112; горячая линия +375 801 100-88-01") == []


def test_has_number_and_same_number():
    assert facts.has_number(TODAY, "102") and not facts.has_number(TODAY, "101")
    assert facts.has_number("линия 8 (801) 100-16-11", "8-801-100-16-11")
    assert facts.same_number("28122", "375215628122") and not facts.same_number("28122", "375215628123")


def test_links_length_and_messages():
    reply = [{"text": TODAY}, {"text": "Что дальше?", "buttons": [{"title": "Новый поиск", "payload": "/restart"}]}]
    assert facts.map_links(reply) == ["https://yandex.by/maps/?ll=27.561,53.902&z=16&text=%D0%A2%D0%A6"]
    assert facts.chars(reply) == len(TODAY) + len("Что дальше?")
    assert facts.messages(reply) == 2
    assert facts.map_links([{"text": "https://example.org/help"}]) == []


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Вот юристы в Гомеле, которые могут помочь бесплатно.", "ru"),
        ("Вось юрысты ў Гомелі, якія могуць дапамагчы бясплатна.", "be"),
        ("Here are lawyers in Homel who can help for free: +375 232 12-34-56", "en"),
        ("102", None),
    ],
)
def test_language(text, lang):
    assert facts.language(text) == lang


def answer(help_type, district, text):
    return Answer(help_type, "BY-MI", district, district or "whole region", 4, [{"text": text}])


def test_findings_compare_each_district_with_its_region(monkeypatch):
    monkeypatch.setattr(
        "bench.walk.region_wide_lines", lambda h, r: [("mi-addiction-oblast", ["80173000000"])] if h == "addiction" else []
    )
    answers = [
        answer("addiction", None, "Областная линия 8 (017) 300-00-00\nЦентр в Молодечно 8 (0176) 11-11-11"),
        answer("addiction", "BY-MI-13", "Только для несовершеннолетних: 8 (0176) 11-11-11"),  # hides the oblast line
        answer("addiction", "BY-MI-01", "Ничего в районе. 102. 8-801-100-8-801"),  # empty, region has some
        answer("legal", None, "Только 8-801-100-8-801"),
        answer("legal", "BY-MI-01", "Юрист: 5-55-55, 5-55-55 и 8 (0177) 22-22-22, 8 029 111-11-11"),
    ]
    found = findings(answers)
    assert found.pairs == 3 and found.with_1 == 2 and found.with_3 == 1
    assert found.empty_though_region_has == ["addiction/BY-MI-01"]
    assert found.hidden_region_lines == ["addiction/BY-MI-13: mi-addiction-oblast", "addiction/BY-MI-01: mi-addiction-oblast"]
    assert found.undiallable_numbers == ["5-55-55"] and found.answers_with_repeats == 1
    assert found.hotline == [0, 1, 0]


def test_region_wide_lines_come_from_the_directory_data():
    import csv

    from bench.walk import ORGANISATIONS

    with ORGANISATIONS.open(encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    lines = region_wide_lines("psychological", "BY-BR")
    assert lines  # the Brest oblast psychological line
    for line_id, numbers in lines:
        row = rows[line_id]
        assert (row["region"], row["district"], row["active"]) == ("BY-BR", "", "true")
        assert numbers and shows(f"Телефон: {row['phones']}", numbers)
