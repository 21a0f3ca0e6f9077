import pytest

from directory.phones import Phone, PhoneError, parse_phone, parse_phones, split_phones


@pytest.mark.parametrize(
    "printed, tel",
    [
        ("8 (0232) 31-51-61", "+375232315161"),
        ("+375 (17) 352-44-44", "+375173524444"),
        ("8-017-311-00-99", "+375173110099"),
        ("8-0176-74-66-20", "+375176746620"),
        ("8(02356)21576", "+375235621576"),
        ("8 01771 5 48 17", "+375177154817"),
        ("(01511) 7-25-04", "+375151172504"),
        ("+375 (29) 853-76-00", "+375298537600"),
        ("8-029-899-04-01", "+375298990401"),
        ("102", "102"),
        ("8-801-100-8-801", "88011008801"),
        ("8-801-100-16-11", "88011001611"),
        ("2-81-22", None),
        ("29-59-38", None),
        ("«Доверие» 8 (0232) 34-97-92", "+375232349792"),
        ("телефон «Доверие» +375 (2345) 5-22-32 (8.30–17.30)", "+375234552232"),
        ("зам. директора 2-54-88", None),
        ("2-45-85 (местные номера, код не указан)", None),
    ],
)
def test_source_formats_parse(printed, tel):
    assert parse_phone(printed) == Phone(display=printed, tel=tel)


def test_display_keeps_text_and_normalises_only_spacing():
    phone = parse_phone("  «Доверие»   8  (0232)  34-97-92 ")
    assert phone.display == "«Доверие» 8 (0232) 34-97-92"
    assert phone.tel == "+375232349792"


@pytest.mark.parametrize(
    "printed",
    [
        "8 (0232) 3l-51-61",  # letter l where a digit belongs
        "8 (O232) 31-51-61",  # letter O for zero
        "+375 (17) 352-44-4",  # one digit short
        "8 (0232) 31-51-6",
        "8 (0232) 31-51-611",
        "+7 (495) 123-45-67",  # not a Belarusian number
        "12345678901234",
        "нет телефона",
        "1-2",
        "8 (0232 31-51-61",
    ],
)
def test_malformed_numbers_are_rejected(printed):
    with pytest.raises(PhoneError):
        parse_phone(printed)


def test_split_ignores_semicolons_inside_brackets():
    cell = "61-10-15 (ежедневно 9–18; май 2020); 8 (0232) 31-51-61"
    assert split_phones(cell) == ["61-10-15 (ежедневно 9–18; май 2020)", "8 (0232) 31-51-61"]
    assert [p.tel for p in parse_phones(cell)] == [None, "+375232315161"]


def test_empty_cell_gives_no_phones():
    assert parse_phones("") == ()
    assert parse_phones(None) == ()
