// The plugin's settings (janus.plugin.counsel.jcfg), validated once at start:
// plugin/janus/config_file.cpp reads the file into this struct (one table of
// keys), problem() below holds every check of a value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace counsel {

struct PractitionerEntry {
    std::string id;
    std::string key_hash;  // "$blake2b$..." or "$argon2id$..." (core/key_hash.hpp)
};

// A compliance profile (core/profile.hpp holds its rules).
enum class Profile { None, Kbv };

struct Config {
    std::string state_db = "/var/lib/janus/counsel/state.db";
    std::string rec_dir = "/srv/janus-counsel/rec";
    std::string events_url;
    std::string notice_text =
        "Bitte beachten Sie: Ton- und Videoaufzeichnungen sowie Screenshots dieser Sitzung sind nicht gestattet. "
        "Please note: recording audio or video and taking screenshots of this session is not allowed.";
    std::int64_t max_duration_s = 4 * 3600;
    std::int64_t max_advance_s = 7 * 24 * 3600;
    std::int64_t lobby_timeout_s = 3600;
    std::int64_t idle_end_s = 600;
    std::int64_t max_participants = 10;
    // How long an admitted person's seat waits for them after their connection
    // went away (network drop, address change): within it they come back
    // straight into the room; after it the seat is free and the lobby applies.
    // 0: no waiting, a lost connection frees the seat at once.
    std::int64_t reconnect_grace_s = 60;
    std::vector<PractitionerEntry> practitioners;
    // Phone dial-in (README "Phone dial-in"): the number callers dial (shown
    // on invitations) and the $blake2b$ hash of counsel-phone's service key.
    // Both set, or neither: rooms with `phone: true` need both.
    std::string phone_number;
    std::string phone_service_key_hash;
    bool phone_enabled() const { return !phone_number.empty() && !phone_service_key_hash.empty(); }
    // `profile` as configured: "" (none) or "kbv"; anything else cannot start.
    std::string profile;
    // The room ledger (README "Many nodes"): "sqlite" (state_db) or "postgres"
    // (postgres_conninfo, never logged; node_id names this node).
    std::string store = "sqlite";
    std::string postgres_conninfo;
    std::string node_id;
    // Recording (docs/api.md "Recording"): days a finished recording and its links
    // live (0: the default), the WebDAV collection to upload to ("" none) with
    // its basic authentication (the password never logged), and the page
    // server's group that may read rec_dir ("" owner only).
    std::int64_t rec_retention_days = kDefaultRetentionDays;
    std::string rec_webdav_url;
    std::string rec_webdav_user;
    std::string rec_webdav_password;
    std::string rec_reader_group;
    // Events (docs/api.md "Events"): with events_url set, every room event is also
    // POSTed there, signed with HMAC-SHA256 under events_secret (never logged).
    std::string events_secret;
    // Media (docs/api.md "Media"): seconds a plugin offer waits for its answer.
    std::int64_t offer_timeout_s = kDefaultOfferTimeoutS;

    static constexpr std::int64_t kDefaultRetentionDays = 7;
    // Recordings are health data on the server, and their link files and state
    // are metadata about a session: neither outlives the three months German
    // rules allow for metadata of video consultations. The practice's archive
    // is elsewhere (rec_webdav_url).
    static constexpr std::int64_t kMaxRetentionDays = 90;
    // Long enough for a slow phone to answer, short enough that a stuck one
    // does not keep the others' streams from it for long.
    static constexpr std::int64_t kDefaultOfferTimeoutS = 15;
    std::int64_t retention_days() const { return rec_retention_days == 0 ? kDefaultRetentionDays : rec_retention_days; }

    // The profile in force (None for a name problem() refuses).
    Profile profile_kind() const;

    // The default room length: an hour, or less if the cap is lower.
    std::int64_t default_duration_s() const { return max_duration_s < 3600 ? max_duration_s : 3600; }
    // Why these settings cannot run, or nullopt if they can.
    std::optional<std::string> problem() const;
    std::optional<std::string> phone_problem() const;
};

}  // namespace counsel
