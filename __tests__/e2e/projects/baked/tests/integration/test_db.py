import os

import psycopg2


def test_database_answers():
    with psycopg2.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute("select 40 + 2")
        assert cur.fetchone() == (42,)


def test_smoke_database_version():
    with psycopg2.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute("show server_version")
        assert cur.fetchone()[0].startswith("15")
