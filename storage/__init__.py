"""Storage: SQLAlchemy tables, repositories, Alembic migrations and the FSM storage."""
