-- Monitors (monitors.md): TCP/TLS checks, heartbeats for jobs that report to us, HTTP extras, conditions and
-- certificate expiry. Column CHECKs added to existing tables are NOT VALID: the rows already there were valid
-- under the narrower rule, and validating would scan the whole history.

ALTER TABLE client_services
    ADD COLUMN type               varchar(9) NOT NULL DEFAULT 'http',
    ADD COLUMN request_body       text,
    ADD COLUMN request_headers    jsonb,
    ADD COLUMN follow_redirects   boolean    NOT NULL DEFAULT false,
    ADD COLUMN tls_verify         boolean    NOT NULL DEFAULT true,
    ADD COLUMN tls_expiry_days    integer             DEFAULT 14,
    ADD COLUMN conditions         text[]     NOT NULL DEFAULT '{}',
    ADD COLUMN grace_seconds      integer    NOT NULL DEFAULT 60,
    -- The heartbeat's token: SHA-256 of it to find the service by (the token has 128 random bits, so a plain
    -- hash is enough), and AES-GCM ciphertext (as basic_auth_password) to show it again to keys that may see it.
    ADD COLUMN ping_token_hash       bytea,
    ADD COLUMN ping_token_ciphertext text,
    ALTER COLUMN endpoint_url DROP NOT NULL;

ALTER TABLE client_services
    ADD CONSTRAINT client_services_type_check CHECK (type IN ('http', 'tcp', 'heartbeat')) NOT VALID,
    ADD CONSTRAINT client_services_tls_expiry_days_check CHECK (tls_expiry_days BETWEEN 1 AND 365) NOT VALID,
    ADD CONSTRAINT client_services_grace_seconds_check CHECK (grace_seconds BETWEEN 0 AND 86400) NOT VALID,
    ADD CONSTRAINT client_services_endpoint_check CHECK ((type = 'heartbeat') = (endpoint_url IS NULL)) NOT VALID,
    DROP CONSTRAINT client_services_method_check,
    DROP CONSTRAINT client_services_timeout_ms_check,
    -- A heartbeat's timeout_ms is how long a /start-ed run may take: up to a day. Checks we make keep 60 s (in the grain).
    ADD CONSTRAINT client_services_timeout_ms_check CHECK (timeout_ms BETWEEN 100 AND 86400000) NOT VALID,
    ADD CONSTRAINT client_services_method_check CHECK (method IN ('GET', 'HEAD', 'POST')) NOT VALID;

CREATE UNIQUE INDEX client_services_ping_token_hash ON client_services (ping_token_hash) WHERE ping_token_hash IS NOT NULL;

-- What a service's checks learnt that is not config (so writing it never touches client_services.updated_at):
-- the certificate's notAfter of the latest check that saw one, and the /start of a heartbeat's run under way.
-- Written by the service's grain only when a value changes.
-- decided_through: a heartbeat's occurrences up to it are decided (missed or reported), so a grain activated after a
-- failure does not decide them again (their reports may have been pruned since).
CREATE TABLE service_observations (
    service_id      bigint PRIMARY KEY REFERENCES client_services (id) ON DELETE CASCADE,
    tls_expires_at  timestamptz(3),
    run_started_at  timestamptz(3),
    decided_through timestamptz(3)
);

ALTER TABLE service_status
    ADD COLUMN tls_expires_at    timestamptz(3),
    ADD COLUMN condition_results jsonb,
    -- What a heartbeat's 'no ping received' ('miss:<occurrence>') or 'started but did not finish' ('run:<start>')
    -- result stands for: unique per service (0009), so that any number of silos, activations and replays store it once.
    ADD COLUMN due_key           text,
    DROP CONSTRAINT service_status_trigger_check,
    ADD CONSTRAINT service_status_trigger_check CHECK (trigger IN ('schedule', 'manual', 'ping')) NOT VALID;

-- s.* was expanded when the view was made: it is made again to show the new columns.
DROP VIEW client_services_overview;
CREATE VIEW client_services_overview AS
SELECT s.*, latest.status AS last_status, latest.checked_at AS last_checked_at,
       latest.response_time_ms AS last_response_time_ms, o.tls_expires_at
FROM client_services s
LEFT JOIN service_observations o ON o.service_id = s.id
LEFT JOIN LATERAL (
    SELECT st.status, st.checked_at, st.response_time_ms
    FROM service_status st
    WHERE st.service_id = s.id
    ORDER BY st.checked_at DESC
    LIMIT 1) latest ON true;
