#include "core/room.hpp"

#include <sodium.h>

#include <algorithm>

namespace counsel {

Room::Room(RoomSettings settings, Digest moderator_token, std::optional<Digest> password, std::vector<Invite> invites)
    : settings_(std::move(settings)),
      digest_(room_digest(settings_.id)),
      moderator_token_(moderator_token),
      password_(password),
      invites_(std::move(invites)) {}

Room::~Room() { purge(); }

std::optional<CredentialRef> Room::match_token(const Digest& token) const {
    // No early exit: the time taken does not depend on which hash matched.
    std::optional<CredentialRef> found;
    if (digest_equal(moderator_token_, token)) found = CredentialRef{CredentialRef::Kind::Moderator};
    for (std::size_t i = 0; i < invites_.size(); ++i)
        if (digest_equal(invites_[i].token, token) && !found) found = CredentialRef{CredentialRef::Kind::Invite, i};
    return found;
}

std::optional<CredentialRef> Room::match_password(const Digest& password) const {
    if (password_ && digest_equal(*password_, password)) return CredentialRef{CredentialRef::Kind::Password};
    return std::nullopt;
}

std::optional<CredentialRef> Room::match_pin(const Digest& pin) const {
    std::optional<CredentialRef> found;
    for (std::size_t i = 0; i < invites_.size(); ++i)
        if (invites_[i].pin && digest_equal(*invites_[i].pin, pin) && !found)
            found = CredentialRef{CredentialRef::Kind::Invite, i};
    return found;
}

bool Room::is_burned(const CredentialRef& credential) const {
    switch (credential.kind) {
        case CredentialRef::Kind::Invite: return invites_[credential.invite_index].burned;
        case CredentialRef::Kind::Password: return password_closed_;
        case CredentialRef::Kind::Moderator: return false;
    }
    return false;
}

void Room::burn(const CredentialRef& credential) {
    if (credential.kind == CredentialRef::Kind::Invite) invites_[credential.invite_index].burned = true;
}

bool Room::in_use(const CredentialRef& credential) const {
    if (credential.kind == CredentialRef::Kind::Password) return false;  // shared by design
    return std::any_of(people_.begin(), people_.end(), [&](const Participant& p) {
        return p.credential.kind == credential.kind && p.credential.invite_index == credential.invite_index;
    });
}

Participant& Room::add(Participant participant) {
    people_.push_back(std::move(participant));
    return people_.back();
}

void Room::remove(std::uint64_t id) {
    if (Participant* p = find(id)) sodium_memzero(p->resume.data(), p->resume.size());
    std::erase_if(people_, [id](const Participant& p) { return p.id == id; });
}

Participant* Room::find(std::uint64_t id) {
    auto it = std::find_if(people_.begin(), people_.end(), [id](const Participant& p) { return p.id == id; });
    return it == people_.end() ? nullptr : &*it;
}

Participant* Room::find_resumable(const Digest& resume, const CredentialRef& credential) {
    // Every admitted seat is compared (no early exit), as for tokens.
    Participant* found = nullptr;
    for (Participant& p : people_) {
        const bool same_credential =
            p.credential.kind == credential.kind && p.credential.invite_index == credential.invite_index;
        if (digest_equal(p.resume, resume) && same_credential && !found) found = &p;
    }
    return found;
}

Participant* Room::moderator() {
    auto it = std::find_if(people_.begin(), people_.end(), [](const Participant& p) { return p.role == Role::Moderator; });
    return it == people_.end() ? nullptr : &*it;
}

std::size_t Room::count(Presence presence) const {
    return static_cast<std::size_t>(
        std::count_if(people_.begin(), people_.end(), [presence](const Participant& p) { return p.presence == presence; }));
}

std::size_t Room::count_password_knockers() const {
    return static_cast<std::size_t>(std::count_if(people_.begin(), people_.end(), [](const Participant& p) {
        return p.presence == Presence::Lobby && p.credential.kind == CredentialRef::Kind::Password;
    }));
}

void Room::purge() {
    for (Participant& p : people_) sodium_memzero(p.resume.data(), p.resume.size());
    people_.clear();  // SecretString wipes each display name
    for (auto& invite : invites_) {
        sodium_memzero(invite.token.data(), invite.token.size());
        if (invite.pin) sodium_memzero(invite.pin->data(), invite.pin->size());
    }
    invites_.clear();
    settings_.title.wipe();
    sodium_memzero(moderator_token_.data(), moderator_token_.size());
    if (password_) sodium_memzero(password_->data(), password_->size());
    password_.reset();
    banned_.clear();
    if (!settings_.id.empty()) sodium_memzero(settings_.id.data(), settings_.id.size());
    settings_.id.clear();
    if (!settings_.phone_room.empty()) sodium_memzero(settings_.phone_room.data(), settings_.phone_room.size());
    settings_.phone_room.clear();
}

}  // namespace counsel
