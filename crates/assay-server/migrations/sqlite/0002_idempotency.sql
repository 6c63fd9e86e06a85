-- assay serve, schema version 2: idempotency keys of ingest requests. A client that retries a
-- request after a timeout or a 503 sends the same `Idempotency-Key`; the stored answer is
-- replayed and nothing is stored twice. Keys are kept for a day.
CREATE TABLE ingest_keys (
    monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL,
    received_ms BIGINT NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (monitor_id, idem_key)
);

-- Labels are read by time of arrival when a window is evaluated.
CREATE INDEX labels_by_arrival ON labels(monitor_id, received_ms);
