"""The data version: a number PostgreSQL moves on at the commit of any transaction that changed
programme, finance or placements data, so aggregates can be cached keyed on it
(send_tracker/dataversion.py). Statement triggers on the data tables (installed after every
migrate, so new tables are covered) mark the transaction; a deferred trigger bumps the version
at commit, holding its row lock only for the commit itself.
"""

from django.db import migrations

FORWARD = """
CREATE SEQUENCE send_tracker_data_version_seq;
CREATE TABLE send_tracker_dataversion (
    id smallint PRIMARY KEY CHECK (id = 1),
    token uuid NOT NULL,
    version bigint NOT NULL
);
CREATE UNLOGGED TABLE send_tracker_datachange (txid bigint PRIMARY KEY);
INSERT INTO send_tracker_dataversion (id, token, version)
    VALUES (1, gen_random_uuid(), nextval('send_tracker_data_version_seq'));

CREATE FUNCTION send_tracker_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction: the flag is transaction-local (and undone with a savepoint).
    IF coalesce(current_setting('send_tracker.dirty', true), '') <> 'on' THEN
        PERFORM set_config('send_tracker.dirty', 'on', true);
        INSERT INTO send_tracker_datachange (txid) VALUES (txid_current())
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION send_tracker_data_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A new number from a sequence: never reused, even after a rollback.
    INSERT INTO send_tracker_dataversion (id, token, version)
        VALUES (1, gen_random_uuid(), nextval('send_tracker_data_version_seq'))
        ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    DELETE FROM send_tracker_datachange WHERE txid = NEW.txid;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER send_tracker_data_commit
    AFTER INSERT ON send_tracker_datachange DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION send_tracker_data_commit();
"""

BACKWARD = """
DROP FUNCTION IF EXISTS send_tracker_data_changed() CASCADE;
DROP TABLE IF EXISTS send_tracker_datachange;
DROP FUNCTION IF EXISTS send_tracker_data_commit() CASCADE;
DROP TABLE IF EXISTS send_tracker_dataversion;
DROP SEQUENCE IF EXISTS send_tracker_data_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("send_tracker", "0002_roles")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
