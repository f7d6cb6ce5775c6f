"""Database URLs name the PostgreSQL driver made cooperative, whatever way they were written."""
import pytest

from tiimi_shared.config import database_url


@pytest.mark.parametrize("written", [
    "postgresql://tiimi@db:5432/consent",
    "postgres://tiimi@db:5432/consent",
    "postgresql+pg8000://tiimi@db:5432/consent",
    "postgresql+psycopg2://tiimi@db:5432/consent",
])
def test_every_postgresql_url_goes_through_psycopg2(written: str) -> None:
    assert database_url(written) == "postgresql+psycopg2://tiimi@db:5432/consent"


def test_a_sqlite_url_is_left_as_it_is() -> None:
    assert database_url("sqlite:////var/lib/tiimi/consent.db") == "sqlite:////var/lib/tiimi/consent.db"
