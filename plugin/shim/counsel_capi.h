/* The core's C API: the only surface the C shim calls.
 *
 * The shim translates Janus plugin callbacks into these calls and hands the
 * core a table of gateway operations. It makes no decisions of its own.
 * Every function is safe to call from any Janus thread; none throws (the
 * C++ side catches everything at this boundary). Handles are identified by
 * an opaque 64-bit id that the shim assigns and maps back to Janus handles. */
#ifndef COUNSEL_CAPI_H
#define COUNSEL_CAPI_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the core may ask of Janus. Called only from the core's room thread.
 * `ctx` is passed back verbatim. Unknown (already destroyed) handles are
 * ignored by the shim. */
typedef struct counsel_gateway_ops {
	void *ctx;
	/* Send `event` (borrowed) to the handle; `transaction` may be NULL. */
	void (*push_event)(void *ctx, uint64_t handle, const char *transaction, json_t *event, json_t *jsep);
	/* Tear down the handle's PeerConnection (if any). */
	void (*close_pc)(void *ctx, uint64_t handle);
	/* Hand an event (borrowed) to Janus's event handlers. */
	void (*notify_event)(void *ctx, uint64_t handle, json_t *event);
	/* Whether Janus's event handlers are enabled at all. */
	int (*events_enabled)(void *ctx);
	/* One log line at a Janus log level (2 error .. 5 verbose); the core
	 * never puts personal data in it. The shim prints it with JANUS_LOG. */
	void (*log)(void *ctx, int level, const char *line);
} counsel_gateway_ops;

/* One practitioner entry from the configuration. */
typedef struct counsel_practitioner {
	const char *id;       /* short identifier, not personal data */
	const char *key_hash; /* "$blake2b$..." or "$argon2id$..." (core/key_hash.hpp) */
} counsel_practitioner;

/* An integer setting that the configuration does not give. */
#define COUNSEL_UNSET INT64_MIN

/* Settings from janus.plugin.counsel.jcfg (`general`). NULL strings and
 * COUNSEL_UNSET integers mean "use the default"; the core validates every
 * value. */
typedef struct counsel_settings {
	const char *state_db;
	/* The room ledger (README, "Many nodes"): store "sqlite" (default, state_db)
	 * or "postgres" (postgres_conninfo, never logged; node_id names this node). */
	const char *store;
	const char *postgres_conninfo;
	const char *node_id;
	const char *rec_dir;
	const char *events_url;
	const char *notice_text;
	int64_t max_duration_s;
	int64_t lobby_timeout_s;
	int64_t idle_end_s;
	int64_t max_participants;
	int64_t max_advance_s;
	const counsel_practitioner *practitioners;
	size_t practitioners_count;
	/* Recording (README, "Recording"). */
	int64_t rec_retention_days;       /* days a finished recording and its links live */
	const char *rec_webdav_url;       /* NULL/empty: no upload; else a WebDAV collection URL */
	const char *rec_webdav_user;      /* HTTP basic authentication for it */
	const char *rec_webdav_password;  /* never logged */
	const char *rec_reader_group;     /* NULL/empty: owner only; else the page server's group */
	/* Events (README, "Events"): with events_url set, every room event is also
	 * POSTed there, signed with HMAC-SHA256 under events_secret (never logged). */
	const char *events_secret;
	/* Media (README, "Media"): seconds a plugin offer waits for its answer. */
	int64_t offer_timeout_s;
	/* Phone dial-in (README, "Phone dial-in"): the `phone` group. */
	const char *phone_number;
	const char *phone_service_key_hash;
	/* A compliance profile (README, "KBV profile"): NULL/"" none, or "kbv". */
	const char *profile;
	/* Seconds an admitted person's seat waits after their connection went away
	 * (docs/api.md, "Coming back after a network drop"). */
	int64_t reconnect_grace_s;
} counsel_settings;

/* Starts the core (room thread, durable store). Returns 0 on success; on
 * failure returns -1 and writes a human-readable reason (never personal data)
 * into `error` (NUL-terminated, truncated to `error_len`). */
int counsel_start(const counsel_settings *settings, const counsel_gateway_ops *ops,
	char *error, size_t error_len);
/* Stops the room thread and closes the store. Idempotent. */
void counsel_stop(void);

/* A Janus handle was attached / destroyed. */
void counsel_handle_attached(uint64_t handle);
void counsel_handle_detached(uint64_t handle);

/* A request from a handle. `transaction`, `body` and `jsep` are borrowed:
 * the core copies what it keeps, so the caller frees them right after.
 * The answer always arrives asynchronously through push_event. */
void counsel_handle_message(uint64_t handle, const char *transaction, json_t *body, json_t *jsep);

/* PeerConnection state changes reported by Janus (setup_media / hangup_media). */
void counsel_media_up(uint64_t handle);
void counsel_media_down(uint64_t handle);

/* Admin API: a new reference with counts only (never names). */
json_t *counsel_admin_message(json_t *request);
/* Admin API per-handle info: a new reference, role and state only. */
json_t *counsel_query_handle(uint64_t handle);

#ifdef __cplusplus
}
#endif

#endif
