#include "media/sdp_negotiator.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "media/janus.hpp"

namespace counsel::media {
namespace {

constexpr int kMaxOwnAudio = 1;
constexpr int kMaxOwnVideo = 2;  // camera and screen

struct SdpDeleter {
    void operator()(janus_sdp* sdp) const { janus_sdp_destroy(sdp); }
};
using SdpPtr = std::unique_ptr<janus_sdp, SdpDeleter>;

struct GFreeDeleter {
    void operator()(char* text) const { g_free(text); }
};

SdpPtr parse(const std::string& text) {
    char error[256] = "";
    return SdpPtr(janus_sdp_parse(text.c_str(), error, sizeof(error)));
}

std::string write(janus_sdp* sdp) {
    std::unique_ptr<char, GFreeDeleter> text(janus_sdp_write(sdp));
    return text ? std::string(text.get()) : std::string();
}

Kind kind_of(const janus_sdp_mline* m) {
    if (m->type == JANUS_SDP_AUDIO) return Kind::Audio;
    if (m->type == JANUS_SDP_VIDEO) return Kind::Video;
    if (m->type == JANUS_SDP_APPLICATION && m->proto && std::strstr(m->proto, "DTLS/SCTP")) return Kind::Data;
    return Kind::Other;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string attribute(const janus_sdp_mline* m, const char* name) {
    for (GList* a = m->attributes; a; a = a->next) {
        auto* attr = static_cast<janus_sdp_attribute*>(a->data);
        if (attr->name && attr->value && !std::strcmp(attr->name, name)) return attr->value;
    }
    return "";
}

// "a=fmtp:<pt> <params>" of one payload type.
std::string fmtp_of(const janus_sdp_mline* m, int pt) {
    for (GList* a = m->attributes; a; a = a->next) {
        auto* attr = static_cast<janus_sdp_attribute*>(a->data);
        if (!attr->name || !attr->value || std::strcmp(attr->name, "fmtp")) continue;
        char* rest = nullptr;
        if (std::strtol(attr->value, &rest, 10) != pt || !rest) continue;
        while (*rest == ' ') ++rest;
        return rest;
    }
    return "";
}

// Every rtpmap of an m-line: "<pt> <name>/<clock>[/...]".
std::vector<CodecEntry> codecs_of(const janus_sdp_mline* m) {
    std::vector<CodecEntry> out;
    for (GList* a = m->attributes; a; a = a->next) {
        auto* attr = static_cast<janus_sdp_attribute*>(a->data);
        if (!attr->name || !attr->value || std::strcmp(attr->name, "rtpmap")) continue;
        char* rest = nullptr;
        const long pt = std::strtol(attr->value, &rest, 10);
        if (pt < 0 || pt > 127 || !rest) continue;
        while (*rest == ' ') ++rest;
        std::string name(rest);
        name = lower(name.substr(0, name.find('/')));
        out.push_back(CodecEntry{name, static_cast<int>(pt), fmtp_of(m, static_cast<int>(pt))});
    }
    return out;
}

// "a=extmap:<id>[/<direction>] <uri> [...]" of every m-line: the first id seen per URI.
void collect_extmaps(const janus_sdp_mline* m, Extmaps& out) {
    for (GList* a = m->attributes; a; a = a->next) {
        auto* attr = static_cast<janus_sdp_attribute*>(a->data);
        if (!attr->name || !attr->value || std::strcmp(attr->name, "extmap")) continue;
        char* rest = nullptr;
        const long id = std::strtol(attr->value, &rest, 10);
        if (id < 1 || id > 14 || !rest) continue;  // one-byte header ids only (Janus's sdp-utils)
        while (*rest && *rest != ' ') ++rest;      // a "/direction" suffix, if any
        while (*rest == ' ') ++rest;
        std::string uri(rest);
        uri = uri.substr(0, uri.find(' '));
        if (!uri.empty()) out.emplace(uri, static_cast<int>(id));
    }
}

int ext_id(const Extmaps& extmaps, const char* uri) {
    auto it = extmaps.find(uri);
    return it == extmaps.end() ? 0 : it->second;
}

// The codec an answered m-line ended up with.
SlotCodec answered_codec(const janus_sdp_mline* am) {
    SlotCodec codec;
    if (!am || !am->ptypes) return codec;
    codec.pt = GPOINTER_TO_INT(am->ptypes->data);
    for (const CodecEntry& e : codecs_of(am))
        if (e.pt == codec.pt) {
            codec.name = e.name;
            codec.fmtp = e.fmtp;
        }
    return codec;
}

std::string opus_fmtp(const CodecEntry& offered) {
    std::string out = "useinbandfec=1";
    if (fmtp_value(offered.fmtp, "usedtx") == "1") out += ";usedtx=1";
    if (fmtp_value(offered.fmtp, "stereo") == "1") out += ";stereo=1";
    return out;
}

// Answers one m-line as the person's own stream (we receive it) or, if
// `inactive_only`, as an inactive slot; returns the resulting use.
Slot::Use answer_media(janus_sdp* offer, janus_sdp* answer, janus_sdp_mline* m, Kind kind, bool inactive_only,
                       bool prefer_h264) {
    const std::vector<CodecEntry> offered = codecs_of(m);
    std::optional<CodecEntry> chosen =
        kind == Kind::Audio ? choose_audio_codec(offered) : choose_video_codec(offered, prefer_h264);
    if (!chosen || m->port == 0) {
        janus_sdp_generate_answer_mline(offer, answer, m, JANUS_SDP_OA_MLINE, m->type, JANUS_SDP_OA_ENABLED, FALSE,
                                        JANUS_SDP_OA_DONE);
        return Slot::Use::Dead;
    }
    const std::string fmtp = kind == Kind::Audio ? opus_fmtp(*chosen) : std::string();
    const std::string profile = chosen->name == "h264" ? fmtp_value(chosen->fmtp, "profile-level-id") : std::string();
    janus_sdp_generate_answer_mline(
        offer, answer, m, JANUS_SDP_OA_MLINE, m->type, JANUS_SDP_OA_CODEC, chosen->name.c_str(), JANUS_SDP_OA_FMTP,
        fmtp.empty() ? nullptr : fmtp.c_str(), JANUS_SDP_OA_H264_PROFILE, profile.empty() ? nullptr : profile.c_str(),
        JANUS_SDP_OA_DIRECTION, inactive_only ? JANUS_SDP_INACTIVE : JANUS_SDP_RECVONLY, JANUS_SDP_OA_ACCEPT_EXTMAP,
        JANUS_RTP_EXTMAP_MID, JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_RID, JANUS_SDP_OA_ACCEPT_EXTMAP,
        JANUS_RTP_EXTMAP_REPAIRED_RID, JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_AUDIO_LEVEL,
        JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_VIDEO_ORIENTATION, JANUS_SDP_OA_ACCEPT_EXTMAP,
        JANUS_RTP_EXTMAP_TRANSPORT_WIDE_CC, JANUS_SDP_OA_DONE);
    janus_sdp_mline* am = janus_sdp_mline_find_by_index(answer, m->index);
    if (!am || am->port == 0) return Slot::Use::Dead;
    return am->direction == JANUS_SDP_RECVONLY ? Slot::Use::Own : Slot::Use::Free;
}

// Answers an m-line that already carries someone else's stream (a later publish): sendonly, same codec.
Slot::Use answer_receive(janus_sdp* offer, janus_sdp* answer, janus_sdp_mline* m, const Slot& slot) {
    const std::string profile =
        slot.codec.name == "h264" ? fmtp_value(slot.codec.fmtp, "profile-level-id") : std::string();
    janus_sdp_generate_answer_mline(
        offer, answer, m, JANUS_SDP_OA_MLINE, m->type, JANUS_SDP_OA_CODEC, slot.codec.name.c_str(), JANUS_SDP_OA_FMTP,
        (slot.kind == Kind::Audio && !slot.codec.fmtp.empty()) ? slot.codec.fmtp.c_str() : nullptr,
        JANUS_SDP_OA_H264_PROFILE, profile.empty() ? nullptr : profile.c_str(), JANUS_SDP_OA_DIRECTION,
        slot.use == Slot::Use::Receive ? JANUS_SDP_SENDONLY : JANUS_SDP_INACTIVE, JANUS_SDP_OA_ACCEPT_EXTMAP,
        JANUS_RTP_EXTMAP_MID, JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_AUDIO_LEVEL, JANUS_SDP_OA_ACCEPT_EXTMAP,
        JANUS_RTP_EXTMAP_ABS_SEND_TIME, JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_VIDEO_ORIENTATION,
        JANUS_SDP_OA_DONE);
    janus_sdp_mline* am = janus_sdp_mline_find_by_index(answer, m->index);
    if (!am || am->port == 0) return Slot::Use::Dead;
    return slot.use;
}

}  // namespace

PublishAnswer answer_publish(const std::string& offer_sdp, const std::vector<Slot>& agreed, const Json& simulcast,
                             bool prefer_h264) {
    PublishAnswer out;
    SdpPtr offer = parse(offer_sdp);
    if (!offer) {
        out.error_code = 480;
        out.error = "the JSEP offer is not a valid SDP";
        return out;
    }
    if (!offer->m_lines) {
        out.error_code = 481;
        out.error = "the offer has no m-lines";
        return out;
    }
    for (GList* l = offer->m_lines; l; l = l->next) {
        auto* m = static_cast<janus_sdp_mline*>(l->data);
        collect_extmaps(m, out.extmaps);
        const Kind kind = kind_of(m);
        if (kind == Kind::Other && m->port != 0) {
            out.error_code = 481;
            out.error = "the offer has an m-line of an unsupported type";
            return out;
        }
        for (CodecEntry& e : codecs_of(m)) out.codecs.add(kind, std::move(e));
    }

    SdpPtr answer(janus_sdp_generate_answer(offer.get()));
    int own_audio = 0, own_video = 0, media_lines = 0, usable_media = 0;
    for (GList* l = offer->m_lines; l; l = l->next) {
        auto* m = static_cast<janus_sdp_mline*>(l->data);
        const Kind kind = kind_of(m);
        const std::size_t index = static_cast<std::size_t>(m->index);
        Slot slot;
        slot.kind = kind;
        slot.mid = attribute(m, "mid");
        if (slot.mid.empty()) slot.mid = std::to_string(m->index);
        const Slot* before = index < agreed.size() ? &agreed[index] : nullptr;
        if (before && before->mid != slot.mid) {
            out.error_code = 481;
            out.error = "the offer changed the mid of an existing m-line";
            return out;
        }
        if (kind == Kind::Data) {
            const bool take = m->port != 0 && !out.has_data && (!before || before->use == Slot::Use::Own);
            janus_sdp_generate_answer_mline(offer.get(), answer.get(), m, JANUS_SDP_OA_MLINE, JANUS_SDP_APPLICATION,
                                            JANUS_SDP_OA_ENABLED, take ? TRUE : FALSE, JANUS_SDP_OA_DONE);
            slot.use = take ? Slot::Use::Own : Slot::Use::Dead;
            out.has_data = out.has_data || take;
        } else if (kind == Kind::Other) {
            janus_sdp_generate_answer_mline(offer.get(), answer.get(), m, JANUS_SDP_OA_MLINE, m->type,
                                            JANUS_SDP_OA_ENABLED, FALSE, JANUS_SDP_OA_DONE);
            slot.use = Slot::Use::Dead;
        } else if (before && (before->use == Slot::Use::Receive || before->use == Slot::Use::Free) &&
                   !before->codec.name.empty()) {
            // A receive slot (or a free one) stays what it was.
            slot = *before;
            slot.use = answer_receive(offer.get(), answer.get(), m, *before);
            if (slot.use == Slot::Use::Dead) slot.source = SourceKey{}, slot.participant = 0;
        } else if (before && before->use == Slot::Use::Dead) {
            janus_sdp_generate_answer_mline(offer.get(), answer.get(), m, JANUS_SDP_OA_MLINE, m->type,
                                            JANUS_SDP_OA_ENABLED, FALSE, JANUS_SDP_OA_DONE);
            slot.use = Slot::Use::Dead;
        } else {
            ++media_lines;
            const bool room = kind == Kind::Audio ? own_audio < kMaxOwnAudio : own_video < kMaxOwnVideo;
            slot.use = answer_media(offer.get(), answer.get(), m, kind, !room, prefer_h264);
            if (slot.use != Slot::Use::Dead) ++usable_media;
            if (slot.use == Slot::Use::Own) (kind == Kind::Audio ? own_audio : own_video)++;
        }
        if (slot.use == Slot::Use::Own || (slot.use == Slot::Use::Free && slot.codec.name.empty()))
            if (kind == Kind::Audio || kind == Kind::Video)
                slot.codec = answered_codec(janus_sdp_mline_find_by_index(answer.get(), m->index));
        if (slot.use == Slot::Use::Own && (kind == Kind::Audio || kind == Kind::Video)) {
            OwnStream s{m->index, slot.mid, kind, slot.codec, Json()};
            if (kind == Kind::Video && json_is_array(simulcast.get())) {
                std::size_t i;
                json_t* entry;
                json_array_foreach(simulcast.get(), i, entry) {
                    json_t* mi = json_object_get(entry, "mindex");
                    if (json_is_integer(mi) && json_integer_value(mi) == m->index) s.simulcast = Json::borrow(entry);
                }
            }
            out.streams.push_back(std::move(s));
        }
        out.slots.push_back(std::move(slot));
    }
    if (media_lines > 0 && usable_media == 0 && !out.has_data) {
        out.error_code = 481;
        out.error = "no usable codec in the offer (Opus for audio, VP8 or H.264 for video)";
        return out;
    }
    bool any = false;
    for (const Slot& s : out.slots) any = any || s.use != Slot::Use::Dead;
    if (!any) {
        out.error_code = 481;
        out.error = "nothing in the offer can be used";
        return out;
    }
    out.sdp = write(answer.get());
    return out;
}

std::string build_offer(const std::vector<Slot>& plan, const Extmaps& extmaps, std::uint64_t session_id,
                        std::uint64_t version) {
    SdpPtr offer(janus_sdp_generate_offer("counsel", "0.0.0.0", JANUS_SDP_OA_DONE));
    if (!offer) return "";
    offer->o_sessid = session_id;
    offer->o_version = version;
    const int mid_id = ext_id(extmaps, JANUS_RTP_EXTMAP_MID);
    const int level_id = ext_id(extmaps, JANUS_RTP_EXTMAP_AUDIO_LEVEL);
    const int twcc_id = ext_id(extmaps, JANUS_RTP_EXTMAP_TRANSPORT_WIDE_CC);
    const int abs_id = ext_id(extmaps, JANUS_RTP_EXTMAP_ABS_SEND_TIME);
    const int orient_id = ext_id(extmaps, JANUS_RTP_EXTMAP_VIDEO_ORIENTATION);
    for (const Slot& slot : plan) {
        if (slot.kind == Kind::Data || slot.kind == Kind::Other) {
            janus_sdp_generate_offer_mline(offer.get(), JANUS_SDP_OA_MLINE, JANUS_SDP_APPLICATION, JANUS_SDP_OA_MID,
                                           slot.mid.c_str(), JANUS_SDP_OA_DONE);
        } else {
            const bool audio = slot.kind == Kind::Audio;
            const bool own = slot.use == Slot::Use::Own;
            const bool receive = slot.use == Slot::Use::Receive;
            janus_sdp_mdirection direction =
                own ? JANUS_SDP_RECVONLY : receive ? JANUS_SDP_SENDONLY : JANUS_SDP_INACTIVE;
            std::string codec = slot.codec.name.empty() ? (audio ? "opus" : "vp8") : slot.codec.name;
            const int pt = slot.codec.pt >= 0 ? slot.codec.pt : (audio ? 111 : 96);
            const std::string& fmtp = slot.codec.fmtp;
            std::string msid, mstid;
            if (receive) {
                msid = "counsel-" + std::to_string(slot.participant);
                mstid = std::string(kind_name(slot.kind)) + "-" + std::to_string(slot.participant) + "-" + slot.mid;
            }
            // Own streams keep transport-cc (Janus's feedback drives the sender's
            // estimate); receive slots carry abs-send-time without transport-cc,
            // so the browser answers with REMB, which the simulcast policy reads.
            janus_sdp_generate_offer_mline(
                offer.get(), JANUS_SDP_OA_MLINE, audio ? JANUS_SDP_AUDIO : JANUS_SDP_VIDEO, JANUS_SDP_OA_MID,
                slot.mid.c_str(), JANUS_SDP_OA_MSID, receive ? msid.c_str() : nullptr,
                receive ? mstid.c_str() : nullptr, JANUS_SDP_OA_PT, pt, JANUS_SDP_OA_CODEC, codec.c_str(),
                JANUS_SDP_OA_FMTP, fmtp.empty() ? nullptr : fmtp.c_str(), JANUS_SDP_OA_DIRECTION, direction,
                JANUS_SDP_OA_EXTENSION, JANUS_RTP_EXTMAP_MID, mid_id, JANUS_SDP_OA_EXTENSION,
                JANUS_RTP_EXTMAP_AUDIO_LEVEL, audio ? level_id : 0, JANUS_SDP_OA_EXTENSION,
                JANUS_RTP_EXTMAP_TRANSPORT_WIDE_CC, own ? twcc_id : 0, JANUS_SDP_OA_EXTENSION,
                JANUS_RTP_EXTMAP_ABS_SEND_TIME, (!audio && !own) ? abs_id : 0, JANUS_SDP_OA_EXTENSION,
                JANUS_RTP_EXTMAP_VIDEO_ORIENTATION, audio ? 0 : orient_id, JANUS_SDP_OA_DONE);
        }
        if (slot.use == Slot::Use::Dead) {
            auto* m = static_cast<janus_sdp_mline*>(g_list_last(offer->m_lines)->data);
            m->port = 0;
            m->direction = JANUS_SDP_INACTIVE;
        }
    }
    return write(offer.get());
}

std::optional<std::vector<bool>> accepted_mlines(const std::string& answer_sdp) {
    SdpPtr answer = parse(answer_sdp);
    if (!answer) return std::nullopt;
    std::vector<bool> out;
    for (GList* l = answer->m_lines; l; l = l->next) out.push_back(static_cast<janus_sdp_mline*>(l->data)->port != 0);
    return out;
}

}  // namespace counsel::media
