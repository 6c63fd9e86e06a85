-- assay serve, schema version 1 (PostgreSQL). Times are milliseconds since the Unix epoch.
CREATE TABLE tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_ms BIGINT NOT NULL,
    revoked_ms BIGINT
);

CREATE TABLE monitors (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    spec TEXT NOT NULL,
    reference_profile TEXT NOT NULL,
    ingest_schema TEXT NOT NULL,
    rows_total BIGINT NOT NULL DEFAULT 0,
    last_status TEXT,
    last_alert_ms BIGINT,
    last_window_key BIGINT,
    created_ms BIGINT NOT NULL
);

CREATE TABLE windows (
    monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    window_key BIGINT NOT NULL,
    start_ms BIGINT NOT NULL,
    end_ms BIGINT NOT NULL,
    rows BIGINT NOT NULL DEFAULT 0,
    profile_rows BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    status TEXT,
    opened_ms BIGINT NOT NULL,
    closed_ms BIGINT,
    evaluated_ms BIGINT,
    evaluations BIGINT NOT NULL DEFAULT 0,
    dirty BIGINT NOT NULL DEFAULT 0,
    report TEXT,
    PRIMARY KEY (monitor_id, window_key)
);
CREATE INDEX windows_by_state ON windows(state, end_ms);

CREATE TABLE batches (
    id BIGSERIAL PRIMARY KEY,
    monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    window_key BIGINT NOT NULL,
    rows BIGINT NOT NULL,
    received_ms BIGINT NOT NULL,
    data BYTEA NOT NULL
);
CREATE INDEX batches_by_window ON batches(monitor_id, window_key);

CREATE TABLE pushed_profiles (
    id BIGSERIAL PRIMARY KEY,
    monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    window_key BIGINT NOT NULL,
    rows BIGINT NOT NULL,
    received_ms BIGINT NOT NULL,
    profile TEXT NOT NULL
);
CREATE INDEX pushed_profiles_by_window ON pushed_profiles(monitor_id, window_key);

CREATE TABLE labels (
    monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    label TEXT,
    received_ms BIGINT NOT NULL,
    PRIMARY KEY (monitor_id, event_id)
);

CREATE TABLE figures (
    monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    window_key BIGINT NOT NULL,
    position BIGINT NOT NULL,
    check_id TEXT NOT NULL,
    column_name TEXT NOT NULL,
    value DOUBLE PRECISION,
    threshold DOUBLE PRECISION,
    score DOUBLE PRECISION,
    status TEXT NOT NULL,
    PRIMARY KEY (monitor_id, window_key, position)
);
CREATE INDEX figures_by_series ON figures(monitor_id, check_id, column_name, window_key);

CREATE TABLE alerts (
    id BIGSERIAL PRIMARY KEY,
    monitor_id BIGINT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    window_key BIGINT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    previous_status TEXT NOT NULL,
    message TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX alerts_by_monitor ON alerts(monitor_id, created_ms);

CREATE TABLE deliveries (
    id BIGSERIAL PRIMARY KEY,
    alert_id BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    format TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL,
    delivered_ms BIGINT,
    gave_up_ms BIGINT,
    last_error TEXT
);
CREATE INDEX deliveries_pending ON deliveries(delivered_ms, gave_up_ms, next_attempt_ms);
