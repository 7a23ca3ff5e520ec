"""Alembic migrations of the cxgov store (run by app.store.db.upgrade)."""
