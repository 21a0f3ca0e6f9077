"""Urban districts of the oblast centres and Babruysk (directory/data/districts.csv, BY-xx-17…25)
and their city units (kind=city, BY-BR-19, BY-HO-26, …).

Expected ids are written by hand. A bare «Гомель» is the city unit «г. Гомель» (BY-HO-26), whose
urban district the form then asks; never the raion around the city (BY-HO-04).
"""

import pytest

ZD_GOMEL = [("district", "BY-HO-22"), ("region", "BY-HO")]


@pytest.fixture(scope="module")
def resolve_any():
    from components.place_resolver import PlaceResolver

    resolver = PlaceResolver.shared()
    return lambda text, **kw: sorted((m.entity, m.value) for m in resolver.resolve(text, **kw))


resolve_config = resolve_any


@pytest.mark.parametrize(
    "text,district",
    [
        ("Железнодорожный район Гомеля", "BY-HO-22"),
        ("живу в Железнодорожном районе г. Гомеля", "BY-HO-22"),
        ("Гомель, Железнодорожный район", "BY-HO-22"),  # the city first
        ("нужен юрист, Железнодорожный р-н г.Гомеля", "BY-HO-22"),
        ("у Чыгуначным раёне Гомеля", "BY-HO-22"),
        ("Чыгуначны раён г. Гомеля", "BY-HO-22"),
        ("Zheleznodorozhny district of Gomel", "BY-HO-22"),
        ("Chyhunachny district, Homel", "BY-HO-22"),
        ("Новобелицкий район", "BY-HO-23"),  # the one name no other city has
        ("в Новобелицком районе", "BY-HO-23"),
        ("Советский р-н Гомеля", "BY-HO-24"),
        ("Центральный район г. Гомеля", "BY-HO-25"),
        ("Октябрьский район г. Витебска", "BY-VI-23"),
        ("Oktyabrsky district, Vitebsk", "BY-VI-23"),
        ("в Первомайском районе Витебска", "BY-VI-24"),
        ("Железнодорожный район Витебска", "BY-VI-22"),
        ("в Ленинском районе Бреста", "BY-BR-17"),
        ("Московский район г. Бреста", "BY-BR-18"),
        ("Маскоўскі раён Брэста", "BY-BR-18"),
        ("Ленинский р-н г. Гродно", "BY-HR-18"),
        ("Октябрьский район Гродно", "BY-HR-19"),
        ("Ленинский район Могилёва", "BY-MA-22"),
        ("Октябрьский район г. Могилева", "BY-MA-23"),
        ("Ленинский район Бобруйска", "BY-MA-24"),
        ("Первомайский район Бобруйска", "BY-MA-25"),
        ("у Першамайскім раёне Бабруйска", "BY-MA-25"),
        ("Leninsky district of Babruysk", "BY-MA-24"),
    ],
)
def test_urban_district_with_its_city(resolve_any, text, district):
    assert resolve_any(text) == [("district", district), ("region", district[:5])]


@pytest.mark.parametrize(
    "text,options",
    [
        # Minsk's (the capital's, listed first as before), then file order
        ("Ленинский район", "BY-HM-02|BY-BR-17|BY-HR-18|BY-MA-22|BY-MA-24"),
        ("в Ленинском районе", "BY-HM-02|BY-BR-17|BY-HR-18|BY-MA-22|BY-MA-24"),
        ("Ленінскі раён", "BY-HM-02|BY-BR-17|BY-HR-18|BY-MA-22|BY-MA-24"),
        ("Leninsky district", "BY-HM-02|BY-BR-17|BY-HR-18|BY-MA-22|BY-MA-24"),
        ("Железнодорожный район", "BY-VI-22|BY-HO-22"),
        ("Железнодорожный", "BY-VI-22|BY-HO-22"),  # a reply that is just this
        ("у Чыгуначным раёне", "BY-VI-22|BY-HO-22"),
        ("Первомайский район", "BY-HM-06|BY-VI-24|BY-MA-25"),
        ("Московский район", "BY-HM-03|BY-BR-18"),
        ("Советский район", "BY-HM-07|BY-HO-24"),
        ("Центральный", "BY-HM-09|BY-HO-25"),
        ("Кастрычніцкі раён", "BY-HM-04|BY-VI-23|BY-HR-19|BY-MA-23"),  # be: Gomel obl.'s is Акцябрскі
    ],
)
def test_a_bare_shared_name_asks_never_guesses(resolve_any, text, options):
    assert resolve_any(text) == [("place_options", options)]


@pytest.mark.parametrize(
    "text,district",
    [
        ("Ленинский район Минска", "BY-HM-02"),
        ("Ленинский район г. Минска", "BY-HM-02"),
        ("живу в Ленинском районе Минска", "BY-HM-02"),
        ("Ленінскі раён Мінска", "BY-HM-02"),
        ("Центральный р-н Минска", "BY-HM-09"),
        ("Первомайский район г. Минска", "BY-HM-06"),
        ("Заводской район", "BY-HM-01"),  # no other city has one
        ("Фрунзенский район", "BY-HM-08"),
    ],
)
def test_minsk_urban_districts_unchanged(resolve_any, text, district):
    assert resolve_any(text) == [("district", district), ("region", "BY-HM")]


@pytest.mark.parametrize(
    "text,city",
    [
        ("в Гомеле", "BY-HO-26"),
        ("у Гомелі", "BY-HO-26"),
        ("in Gomel", "BY-HO-26"),
        ("из Гомеля", "BY-HO-26"),
        ("Бобруйск", "BY-MA-27"),
        ("у Бабруйску", "BY-MA-27"),
        ("в Могилёве", "BY-MA-26"),
        ("в Могилеве", "BY-MA-26"),
        ("Брест", "BY-BR-19"),
        ("в Бресте", "BY-BR-19"),
        ("в Гродно", "BY-HR-20"),
        ("у Гродне", "BY-HR-20"),
        ("у Віцебску", "BY-VI-25"),
        ("Vitebsk", "BY-VI-25"),
        ("в Барановичах", "BY-BR-20"),
        ("Барановичи", "BY-BR-20"),
        ("у Баранавічах", "BY-BR-20"),
        ("in Baranovichi", "BY-BR-20"),
        ("Baranavichy", "BY-BR-20"),
        ("из Барановичей", "BY-BR-20"),
        ("в Пинске", "BY-BR-21"),
        ("Новополоцк", "BY-VI-26"),
        ("у Наваполацку", "BY-VI-26"),
        ("Novopolotsk", "BY-VI-26"),
        ("Жодино", "BY-MI-23"),
        ("в Жодино", "BY-MI-23"),
        ("Жодзіна", "BY-MI-23"),
        ("Zhodino", "BY-MI-23"),
    ],
)
def test_a_bare_city_name_is_the_city_not_the_raion_around_it(resolve, text, city):
    assert resolve(text) == [("district", city), ("region", city[:5])]


@pytest.mark.parametrize(
    "text,raion",
    [
        ("Гомельский район", "BY-HO-04"),
        ("в Гомельском районе", "BY-HO-04"),
        ("Гомельскі раён", "BY-HO-04"),
        ("Гомель район", "BY-HO-04"),
        ("Барановичский район", "BY-BR-01"),
        ("Baranovichskiy rayon", "BY-BR-01"),
        ("Полоцкий район", "BY-VI-13"),
        ("Смолевичский р-н", "BY-MI-17"),
    ],
)
def test_the_raion_around_a_city_only_when_named(resolve, text, raion):
    assert resolve(text) == [("district", raion), ("region", raion[:5])]


@pytest.mark.parametrize(
    "text,district",
    [
        ("Микашевичи", "BY-BR-11"),
        ("в Микашевичах", "BY-BR-11"),
        ("у Мікашэвічах", "BY-BR-11"),
        ("Mikashevichy", "BY-BR-11"),
        ("Заславль", "BY-MI-11"),
        ("живу в Заславле", "BY-MI-11"),
        ("Заслаўе", "BY-MI-11"),
        ("Zaslawye", "BY-MI-11"),
        ("Уручье", "BY-HM-06"),
        ("я в Уручье", "BY-HM-06"),
        ("Уручча", "BY-HM-06"),
        ("Uruchye", "BY-HM-06"),
    ],
)
def test_a_town_that_is_not_a_district_centre_gives_its_district(resolve, text, district):
    """towns.csv: sourced per row (Mikashevichy: Luninets raion; Zaslawye: Minsk raion; Uruchye:
    a microdistrict of Minsk's Pervomaisky district)."""
    assert resolve(text) == [("district", district), ("region", district[:5])]


def test_minsk_is_the_region_its_urban_district_is_asked(resolve):
    for text in ("Minsk", "в Минске", "у Мінску", "Минск"):
        assert resolve(text) == [("region", "BY-HM")]


def test_a_city_named_with_its_urban_district_adds_no_city_unit(resolve_config):
    """«Гомеля» alone is the city unit BY-HO-26; next to «Железнодорожный район» it only says
    which city's district is meant."""
    assert resolve_config("Железнодорожный район Гомеля") == ZD_GOMEL
    assert resolve_config("я в Гомеле, Железнодорожный район") == ZD_GOMEL
    assert resolve_config("Ленинский район Бобруйска") == [("district", "BY-MA-24"), ("region", "BY-MA")]
    # a district the city does not have: the city, no other city's district
    assert resolve_config("Ленинский район Гомеля") == [("district", "BY-HO-26"), ("region", "BY-HO")]


def test_the_city_not_the_region_tells_mogilev_from_babruysk(resolve_any):
    """Both cities are in Mogilev oblast: a region alone leaves the choice to the person."""
    assert resolve_any("Ленинский район Могилёвской области") == [("place_options", "BY-MA-22|BY-MA-24"), ("region", "BY-MA")]
    assert resolve_any("Ленинский район", region_hint="BY-MA") == [("place_options", "BY-MA-22|BY-MA-24")]
    assert resolve_any("Железнодорожный район", region_hint="BY-HO") == ZD_GOMEL
    assert resolve_any("Октябрьский район Витебской области") == [("district", "BY-VI-23"), ("region", "BY-VI")]
    assert resolve_any("Октябрьский район Гомельской области") == [("district", "BY-HO-15"), ("region", "BY-HO")]


def test_urban_districts_leave_the_city_places_alone(resolver):
    """An urban district is not a raion: its city stays the centre of its own raion only."""
    g = resolver.g
    gomel = next(p for p in g.places.values() if p.oblast_of == "BY-HO")
    assert gomel.raions == [] and gomel.separate_raions == ["BY-HO-04"] and gomel.city_unit == "BY-HO-26"
    bobruysk = g.places[g.districts["BY-MA-24"].centre_gid]
    assert bobruysk.separate_raions == ["BY-MA-02"] and bobruysk.oblast_of is None
    assert bobruysk.district == "BY-MA-27"
    urban = [d for d in g.districts.values() if d.kind == "city_district"]
    assert len(urban) == 24
    assert {d.region for d in urban} == {"BY-HM", "BY-BR", "BY-VI", "BY-HO", "BY-HR", "BY-MA"}


@pytest.mark.parametrize(
    "text,district",
    [
        ("минск, фрунзенский", "BY-HM-08"),  # typed after the 🆘 button (issue 16/17)
        ("Минск Ленинский", "BY-HM-02"),
        ("гомель, железнодорожный", "BY-HO-22"),
        ("могилев ленинский", "BY-MA-22"),
        ("Брест, Ленинский", "BY-BR-17"),
    ],
)
def test_a_city_and_a_bare_urban_district_adjective_is_that_district(resolve_any, text, district):
    assert ("district", district) in resolve_any(text)


@pytest.mark.parametrize("text", ["нужен юрист минск фрунзенский", "фрунзенский суд минска"])
def test_a_bare_adjective_inside_a_sentence_still_needs_its_area_noun(resolve_any, text):
    assert not [v for e, v in resolve_any(text) if e == "district"]
