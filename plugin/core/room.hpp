// A room's state for one session: its credentials (hashed), who waits in the
// lobby, who is admitted, the moderator seat. Rules that only need this state
// live here; the service decides what to tell whom.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/consent_ledger.hpp"
#include "core/credentials.hpp"
#include "core/participant.hpp"
#include "core/requests.hpp"
#include "core/secret_string.hpp"

namespace counsel {

struct Invite {
    SecretString label;
    Digest token;
    bool burned = false;
    std::optional<Digest> pin = std::nullopt;  // phone rooms: the personal PIN's digest (same credential as the token)
};

struct RoomSettings {
    std::string id;
    SecretString title;
    bool e2ee;
    RecordingMode recording;
    std::int64_t starts_at;     // unix s
    std::int64_t expires_at;    // unix s
    std::int64_t expires_ms;    // monotonic deadline
    std::string phone_room = {};  // dial-in room number; empty: no phone dial-in
};

class Room {
public:
    Room(RoomSettings settings, Digest moderator_token, std::optional<Digest> password, std::vector<Invite> invites);
    ~Room();
    Room(const Room&) = delete;
    Room& operator=(const Room&) = delete;

    const RoomSettings& settings() const { return settings_; }
    const Digest& digest() const { return digest_; }
    // A short reference for events and logs: derived from the tombstone digest.
    std::string ref() const { return hex(digest_, 8); }

    // Which credential a token or password digest matches; checks every
    // stored hash in constant time, whatever matches first.
    std::optional<CredentialRef> match_token(const Digest& token) const;
    std::optional<CredentialRef> match_password(const Digest& password) const;
    // The invite whose PIN digest matches (phone rooms), in constant time.
    std::optional<CredentialRef> match_pin(const Digest& pin) const;
    const std::vector<Invite>& invites() const { return invites_; }
    // A burned token, or the password once it is closed, lets nobody in.
    bool is_burned(const CredentialRef& credential) const;
    void burn(const CredentialRef& credential);
    bool has_password() const { return password_.has_value(); }
    bool password_closed() const { return password_closed_; }
    // Ends the shared password for the rest of the session (deny_password with ban).
    void close_password() { password_closed_ = true; }
    // Whether someone is present (lobby or admitted) with this credential.
    bool in_use(const CredentialRef& credential) const;

    Participant& add(Participant participant);
    void remove(std::uint64_t id);
    Participant* find(std::uint64_t id);
    // The seat (lobby or room) whose resume secret hashes to `resume` and
    // that came with the same credential, or nullptr.
    Participant* find_resumable(const Digest& resume, const CredentialRef& credential);
    Participant* moderator();
    const std::vector<Participant>& people() const { return people_; }
    std::vector<Participant>& people_mut() { return people_; }
    std::size_t count(Presence presence) const;
    // Lobby members who came with the room password (their share of the lobby).
    std::size_t count_password_knockers() const;

    bool locked() const { return locked_; }
    void set_locked(bool locked) { locked_ = locked; }

    void ban(HandleId handle) { banned_.insert(handle); }
    bool banned(HandleId handle) const { return banned_.count(handle) > 0; }

    // Monotonic ms since which the moderator seat is empty after a moderator left.
    std::optional<std::int64_t> moderator_left_ms() const { return moderator_left_ms_; }
    void set_moderator_left_ms(std::optional<std::int64_t> at) { moderator_left_ms_ = at; }

    // "Telefon 1", "Telefon 2", ...: how the next phone caller is shown; never their number.
    std::string next_phone_label() { return "Telefon " + std::to_string(++phone_callers_); }

    ConsentLedger& consent() { return consent_; }
    const ConsentLedger& consent() const { return consent_; }

    // Erases every personal datum and credential hash this room holds.
    void purge();

private:
    RoomSettings settings_;
    Digest digest_;
    Digest moderator_token_;
    std::optional<Digest> password_;
    bool password_closed_ = false;
    std::vector<Invite> invites_;
    std::vector<Participant> people_;  // in order of arrival
    std::set<HandleId> banned_;
    bool locked_ = false;
    std::optional<std::int64_t> moderator_left_ms_;
    ConsentLedger consent_;
    int phone_callers_ = 0;
};

}  // namespace counsel
