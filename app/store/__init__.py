"""The store: SQLModel tables, engine/sessions, Alembic migrations, append-only actuals."""
