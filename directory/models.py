"""SQLAlchemy tables of the directory (1.4 declarative, queried only with 2.0-style `select()`).

Services live in their own table (`organisation_services`) rather than a delimited column so the
search path is an indexed equality join instead of a LIKE scan, and each value is one row the
loader has checked against HELP_TYPES. Phones get their own table too because each printed entry
keeps its order and the dialable form derived at load time.

Rows of these classes never leave the package: `directory.public` converts them to frozen
dataclasses and is the only place that reads address and coordinates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

Base: Any = declarative_base()  # SQLAlchemy 1.4 ships no types for it (no mypy plugin here)

REQUIRED_TABLES = frozenset({"regions", "districts", "organisations", "organisation_services", "organisation_phones"})
# The tables the loader replaces. `usage_counts` is not one of them: the statistics outlive
# every reload (see `directory.stats`).
DIRECTORY_TABLES = (
    "organisation_phones",
    "organisation_services",
    "organisations",
    "districts",
    "regions",
)  # children first: the order to delete or drop in


class RegionRow(Base):
    __tablename__ = "regions"

    code = Column(String(8), primary_key=True)
    name_ru = Column(Text, nullable=False)
    name_be = Column(Text, nullable=False, default="")
    name_en = Column(Text, nullable=False, default="")
    centre_lat = Column(Float, nullable=False)
    centre_lon = Column(Float, nullable=False)

    def __repr__(self) -> str:
        return f"<RegionRow {self.code}>"


class DistrictRow(Base):
    __tablename__ = "districts"
    __table_args__ = (Index("ix_districts_region", "region_code"),)

    id = Column(String(12), primary_key=True)
    region_code = Column(String(8), ForeignKey("regions.code"), nullable=False)
    kind = Column(String(20), nullable=False)
    name_ru = Column(Text, nullable=False)
    name_be = Column(Text, nullable=False, default="")
    name_en = Column(Text, nullable=False, default="")
    centre_ru = Column(Text, nullable=False, default="")
    centre_be = Column(Text, nullable=False, default="")
    centre_en = Column(Text, nullable=False, default="")
    centre_lat = Column(Float)
    centre_lon = Column(Float)
    # An urban district's city unit (kind "city"); empty for raions, cities and Minsk's districts.
    city_id = Column(String(12))

    def __repr__(self) -> str:
        return f"<DistrictRow {self.id}>"


class OrganisationRow(Base):
    """One contact point. `region_code` is an ISO code or 'BY' (nationwide), hence no FK."""

    __tablename__ = "organisations"
    __table_args__ = (Index("ix_organisations_area", "active", "region_code", "district_id"),)

    id = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False)  # row order of organisations.csv = display order
    name_ru = Column(Text, nullable=False)
    name_be = Column(Text, nullable=False, default="")
    name_en = Column(Text, nullable=False, default="")
    kind = Column(String(20), nullable=False)
    region_code = Column(String(8), nullable=False)
    district_id = Column(String(12), ForeignKey("districts.id"))
    address = Column(Text)
    hours = Column(Text)
    schedule = Column(Text)
    lat = Column(Float)
    lon = Column(Float)
    confidential = Column(Boolean, nullable=False)
    public_contact = Column(Text)
    active = Column(Boolean, nullable=False)
    # Doubtful: shown (with status_note as the caveat) only where nothing better exists.
    doubtful = Column(Boolean, nullable=False, default=False)
    status_note = Column(Text)
    source_url = Column(Text, nullable=False)
    verified_on = Column(Date, nullable=False)
    verification = Column(String(10), nullable=False)
    note = Column(Text)
    website = Column(Text)  # from websites.csv, as the source prints it
    # be/en text of the shown fields, JSON {"be": {field: text}, "en": {...}} (directory.translations)
    translations = Column(Text)

    services = relationship(
        "OrganisationServiceRow", cascade="all, delete-orphan", lazy="selectin", order_by="OrganisationServiceRow.position"
    )
    phones = relationship(
        "OrganisationPhoneRow", cascade="all, delete-orphan", lazy="selectin", order_by="OrganisationPhoneRow.position"
    )

    def __repr__(self) -> str:  # never show address/coordinates, even in debugging output
        return f"<OrganisationRow {self.id}>"


class OrganisationServiceRow(Base):
    __tablename__ = "organisation_services"
    __table_args__ = (Index("ix_services_service", "service", "organisation_id"),)

    organisation_id = Column(String(64), ForeignKey("organisations.id"), primary_key=True)
    service = Column(String(20), primary_key=True)
    position = Column(Integer, nullable=False)

    def __repr__(self) -> str:
        return f"<OrganisationServiceRow {self.organisation_id} {self.service}>"


class OrganisationPhoneRow(Base):
    __tablename__ = "organisation_phones"

    organisation_id = Column(String(64), ForeignKey("organisations.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    display = Column(Text, nullable=False)  # as printed by the source
    tel = Column(String(20))  # what a mobile dials; NULL = no area code could be derived
    e164 = Column(String(20))  # NULL for short numbers (102) and undialable local ones
    label = Column(Text, nullable=False, default="")
    remark = Column(Text, nullable=False, default="")
    area_code_added = Column(String(6))  # the district's code, when the source printed none

    def __repr__(self) -> str:
        return f"<OrganisationPhoneRow {self.organisation_id} #{self.position}>"


class UsageCountRow(Base):
    """Anonymous usage statistics (`directory.stats`): one counter per Minsk day, metric and
    whitelisted value. Deliberately nothing else — no text, no ids, no time finer than a day."""

    __tablename__ = "usage_counts"

    day = Column(Date, primary_key=True)
    metric = Column(String(32), primary_key=True)
    value = Column(String(32), primary_key=True)
    count = Column(Integer, nullable=False)

    def __repr__(self) -> str:
        return f"<UsageCountRow {self.day} {self.metric}={self.value}: {self.count}>"
