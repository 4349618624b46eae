"""PostgreSQL binds parameters server-side, prepares repeated queries and plans
them once per connection (settings.py, docs/speed.md); SQLite takes none of it."""

from django.db import connection


def test_repeated_queries_are_prepared_with_a_generic_plan_on_postgresql(db):
    options = connection.settings_dict["OPTIONS"]
    if connection.vendor != "postgresql":
        assert "server_side_binding" not in options and "prepare_threshold" not in options
        return
    assert connection.connection.prepare_threshold == 5
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
        for _ in range(6):
            cursor.execute("SELECT count(*) FROM patients_patient WHERE id = %s", [1])
        cursor.execute(
            "SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE %s", ["%patients_patient WHERE id%"]
        )
        assert cursor.fetchone()[0] >= 1
