from datetime import date
from urllib.parse import unquote

import pytest

from directory.maplinks import yandex_map_url
from directory.models import OrganisationRow, OrganisationServiceRow
from directory.public import contact_from_row


def test_point_link_when_coordinates_known():
    url = yandex_map_url(lat=53.22186, lon=26.67679, address="г. Несвиж, ул. Примерная, 2")
    assert url == "https://yandex.by/maps/?pt=26.67679,53.22186&z=17"


def test_address_search_when_only_address():
    url = yandex_map_url(lat=None, lon=None, address="220030, г. Минск, ул. К. Маркса, 35")
    # Short: no postcode, letters kept as letters, spaces as '+', nothing else to encode.
    assert url == "https://yandex.by/maps/?text=г.+Минск,+ул.+К.+Маркса,+35"
    assert unquote(url.split("text=", 1)[1]).replace("+", " ") == "г. Минск, ул. К. Маркса, 35"


@pytest.mark.parametrize(
    "address, query",
    [
        ("Республика Беларусь, 222417, Минская область, г. Вилейка, ул. Партизанская,44", "г.+Вилейка,+ул.+Партизанская,+44"),
        ("ул. Советская, 34, 231778, г.п. Б. Берестовица, Гродненская область", "ул.+Советская,+34,+г.п.+Б.+Берестовица"),
        ("г. Минск, ул. Тест & Ко #1", "г.+Минск,+ул.+Тест+%26+Ко+%231"),  # what a query cannot hold is encoded
    ],
)
def test_address_query_is_short_and_keeps_the_place(address, query):
    assert yandex_map_url(lat=None, lon=None, address=address) == "https://yandex.by/maps/?text=" + query


def test_every_public_address_in_the_data_gets_a_short_link(real_db_url):
    from directory import open_directory

    contacts = open_directory(real_db_url)._current().contacts.values()
    with_address = [c for c in contacts if c.address]
    assert with_address
    for contact in with_address:
        assert contact.map_url and len(contact.map_url) <= 90, (contact.id, contact.map_url)


def test_no_link_without_location():
    assert yandex_map_url(lat=None, lon=None, address=None) is None
    assert yandex_map_url(lat=None, lon=None, address="  ") is None


def _row(**values) -> OrganisationRow:
    row = OrganisationRow(
        id="x",
        position=1,
        name_ru="Комната",
        name_be="",
        name_en="Room",
        kind="crisis_room",
        region_code="BY-MI",
        district_id=None,
        hours=None,
        schedule=None,
        public_contact=None,
        active=True,
        status_note=None,
        source_url="https://example.org",
        verified_on=date(2026, 11, 28),
        verification="desk",
        note=None,
        **values,
    )
    row.services = [OrganisationServiceRow(service="shelter", position=0)]
    row.phones = []
    return row


def test_confidential_row_never_gets_a_link_or_address():
    row = _row(confidential=True, address="ул. Тайная, 7", lat=53.9, lon=27.5)
    contact = contact_from_row(row)
    assert contact.address is None and contact.map_url is None
    assert "Тайная" not in repr(contact) and "53.9" not in repr(contact) and "27.5" not in repr(contact)


def test_public_row_gets_point_link_from_conversion():
    contact = contact_from_row(_row(confidential=False, address="ул. Открытая, 1", lat=53.9, lon=27.5))
    assert contact.address == "ул. Открытая, 1"
    assert contact.map_url == "https://yandex.by/maps/?pt=27.5,53.9&z=17"
