import csv

import phonenumbers
import pytest
from phonenumbers import geocoder

from directory.area_codes import read_area_codes
from directory.database import DATA_DIR
from directory.phones import Phone, PhoneError, merge_same, parse_phone, parse_phones, split_phones, valid_area_code


@pytest.mark.parametrize(
    "printed, tel, readable",
    [
        ("8 (0232) 31-51-61", "+375232315161", "+375 232 31-51-61"),
        ("+375 (17) 352-44-44", "+375173524444", "+375 17 352-44-44"),
        ("+375 (17) 263-03-03", "+375172630303", "+375 17 263-03-03"),
        ("8-017-311-00-99", "+375173110099", "+375 17 311-00-99"),
        ("8-0176-74-66-20", "+375176746620", "+375 176 74-66-20"),
        ("8(02356)21576", "+375235621576", "+375 2356 21-576"),
        ("8 01771 5 48 17", "+375177154817", "+375 1771 54-817"),
        ("(01511) 7-25-04", "+375151172504", "+375 1511 72-504"),
        ("(8 0225) 72-11-88", "+375225721188", "+375 225 72-11-88"),
        ("+375 (29) 853-76-00", "+375298537600", "+375 29 853-76-00"),
        ("8-029-899-04-01", "+375298990401", "+375 29 899-04-01"),
        # Short and free numbers stay what a mobile in Belarus dials.
        ("102", "102", "102"),
        ("133", "133", "133"),
        ("8-801-100-8-801", "88011008801", "8-801-100-8-801"),
        ("8-801-100-16-11", "88011001611", "8-801-100-16-11"),
    ],
)
def test_source_formats_parse_to_one_dialable_readable_form(printed, tel, readable):
    phone = parse_phone(printed)
    assert (phone.tel, phone.readable, phone.display) == (tel, readable, printed)
    if phone.e164:
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone.e164, None))


def test_label_and_remark_are_kept_apart_from_the_number():
    phone = parse_phone("телефон «Доверие» +375 (2345) 5-22-32 (8.30–17.30)")
    assert (phone.label, phone.remark, phone.tel) == ("телефон «Доверие»", "(8.30–17.30)", "+375234552232")
    assert phone.details == "телефон «Доверие» (8.30–17.30)"
    lone = parse_phone("+375 (44) 776-22-31 (телефон круглосуточного доступа)")
    assert lone.details == "телефон круглосуточного доступа"


@pytest.mark.parametrize(
    "printed, code, tel",
    [
        ("2-81-22", "1795", "+375179528122"),  # Slutsk
        ("зам. директора 2-54-88", "1795", "+375179525488"),
        ("29-59-38", "232", "+375232295938"),  # Gomel
        ("61-10-15 (май 2020)", "154", "+375154611015"),  # Lida
    ],
)
def test_local_number_gets_its_districts_area_code(printed, code, tel):
    phone = parse_phone(printed, code)
    assert phone.tel == tel and phone.area_code_added == code
    assert phone.readable.startswith(f"+375 {code} ")


@pytest.mark.parametrize(
    "printed, code",
    [
        ("2-81-22", None),  # no code known for the district
        ("2-81-22", "232"),  # 3-digit code + 5 digits: the digit counts do not fit, never guessed
        ("29-59-38", "1795"),
    ],
)
def test_local_number_without_a_derivable_code_stays_undialable(printed, code):
    phone = parse_phone(printed, code)
    assert phone.tel is None and phone.e164 is None and phone.readable == printed


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
        "8 (0999) 12-34-56",  # no such area code (libphonenumber)
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
    assert [p.tel for p in parse_phones(cell, "154")] == ["+375154611015", "+375232315161"]


def test_empty_cell_gives_no_phones():
    assert parse_phones("") == ()
    assert parse_phones(None) == ()


def test_the_same_number_is_printed_once_with_every_label():
    """Kalinkovichi TCSON: reception and hot line share one number (the issue's
    "+375234554096, +375234554096")."""
    phones = merge_same(
        parse_phones(
            "Приемная +375 (2345) 5-40-96; «Горячая линия» +375 (2345) 5-40-96 (9.00–13.00); "
            "телефон «Доверие» +375 (2345) 5-22-32 (8.30–17.30)"
        )
    )
    assert [p.readable for p in phones] == ["+375 2345 54-096", "+375 2345 52-232"]
    assert phones[0].details == "Приемная; «Горячая линия» (9.00–13.00)"
    assert phones[1].details == "телефон «Доверие» (8.30–17.30)"


# ---- the real data -----------------------------------------------------------------------


def _district_ids() -> set[str]:
    with open(DATA_DIR / "districts.csv", encoding="utf-8") as handle:
        return {row["district_id"] for row in csv.DictReader(handle)}


def test_area_code_table_covers_every_district_and_each_code_is_valid():
    rejections = []
    codes = read_area_codes(DATA_DIR / "area_codes.csv", _district_ids(), rejections)
    assert rejections == []
    assert set(codes) == _district_ids()
    for code in codes.values():
        assert valid_area_code(code.code), code
        assert code.source_url.startswith("https://github.com/google/libphonenumber/")
        # libphonenumber's own geocoding data knows the code (the cross-check).
        sample = phonenumbers.parse(f"+375{code.code}{'2' * (9 - len(code.code))}", None)
        assert geocoder.description_for_number(sample, "ru"), code


@pytest.mark.parametrize(
    "code, valid",
    [
        ("1795", True),
        ("162", True),
        ("17", True),
        ("2131", True),
        ("1799", False),  # Minsk 17 followed by 99…: not a code of its own
        ("1999", False),
        ("3333", False),
        ("0162", False),
        ("", False),
    ],
)
def test_valid_area_code_asks_libphonenumber(code, valid):
    assert valid_area_code(code) is valid


def test_invalid_area_codes_are_refused(tmp_path):
    table = tmp_path / "area_codes.csv"
    table.write_text(
        "district_id,area_code,place_in_source,source_url,note\n"
        "BY-MI-16,1799,Слуцк,https://example.org/codes,\n"
        "BY-XX-99,1795,Слуцк,https://example.org/codes,\n",
        encoding="utf-8",
    )
    rejections = []
    assert read_area_codes(table, _district_ids(), rejections) == {}
    assert [r.line for r in rejections] == [2, 3]


def test_every_number_in_the_data_is_valid_or_reported(real_db_url):
    """Each phone of every active entry is a number libphonenumber accepts, a short number, or
    listed for the operator as having no derivable area code."""
    from directory import open_directory

    directory = open_directory(real_db_url)
    reported = {(n.organisation_id) for n in directory.operator_notes() if n.kind == "no-area-code"}
    for contact in directory._current().contacts.values():
        for phone in contact.phones:
            if phone.e164:
                assert phonenumbers.is_valid_number(phonenumbers.parse(phone.e164, None)), (contact.id, phone)
            elif phone.tel:
                assert len(phone.tel) == 3, (contact.id, phone)  # 102, 133, 165 …
            else:
                assert contact.id in reported, (contact.id, phone)


def test_short_and_free_numbers_stay_correct(real_db_url):
    from directory import open_directory

    directory = open_directory(real_db_url)
    assert [c.phones[0].readable for c in directory.emergency_contacts()] == ["102", "103", "112"]
    hotline = directory.hotline()
    assert (hotline.phones[0].tel, hotline.phones[0].readable) == ("88011008801", "8-801-100-8-801")


def test_phone_dataclass_is_frozen():
    phone = Phone(display="102", tel="102")
    with pytest.raises(AttributeError):
        phone.tel = "103"  # type: ignore[misc]  # the refused assignment is the test
