"""SQL for the append-only event table, shared by migration 0003 and the test flush."""

SQLITE_UP = [
    """CREATE TRIGGER core_event_no_update BEFORE UPDATE ON core_event
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER core_event_no_delete BEFORE DELETE ON core_event
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_event_no_update;",
    "DROP TRIGGER IF EXISTS core_event_no_delete;",
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION core_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only: %% refused', TG_OP; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_event_no_change BEFORE UPDATE OR DELETE ON core_event
       FOR EACH ROW EXECUTE FUNCTION core_event_append_only();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS core_event_no_change ON core_event;",
    "DROP FUNCTION IF EXISTS core_event_append_only();",
]
