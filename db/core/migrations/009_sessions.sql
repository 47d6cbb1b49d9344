-- 009: signed-in browsers (issue 13). A browser that signed in keeps a random token in a cookie; the database holds
-- only its SHA-256, so a reload or a bookmarked link opens without a new sign-in until the session has been idle
-- longer than the commune's setting «session_minutes», or its user signed out or had the password changed.
CREATE TABLE sessions (
    token_hash VARCHAR PRIMARY KEY,
    login      VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    last_seen  TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);
