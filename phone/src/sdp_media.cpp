#include "sdp_media.hpp"

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>
#include <strings.h>

#include <memory>

namespace counsel::phone {
namespace {

struct Home {
    su_home_t* home = static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)));
    ~Home() {
        if (home) su_home_unref(home);
    }
};

bool is(const char* text, const char* name) { return text && strcasecmp(text, name) == 0; }

std::string refused(const sdp_media_t* m) {
    std::string line = std::string("m=") + (m->m_type_name ? m->m_type_name : "audio") + " 0 " +
                       (m->m_proto_name ? m->m_proto_name : "RTP/AVP");
    // A refused m-line still names one of its formats (RFC 3264 6): RTP formats are in the rtpmaps.
    if (m->m_rtpmaps) line += " " + std::to_string(m->m_rtpmaps->rm_pt);
    else line += std::string(" ") + (m->m_format && m->m_format->l_text ? m->m_format->l_text : "0");
    return line;
}

}  // namespace

std::optional<LineMedia> read_offer(const std::string& sdp, std::string& why) {
    Home home;
    if (!home.home) {
        why = "out of memory";
        return std::nullopt;
    }
    sdp_parser_t* parser = sdp_parse(home.home, sdp.c_str(), static_cast<issize_t>(sdp.size()), 0);
    sdp_session_t* session = parser ? sdp_session(parser) : nullptr;
    if (!session) {
        if (parser) sdp_parser_free(parser);
        why = "the offer is not valid SDP";
        return std::nullopt;
    }
    LineMedia out;
    int index = 0;
    for (sdp_media_t* m = session->sdp_media; m; m = m->m_next, ++index) {
        out.mlines.push_back(refused(m));
        if (out.audio_index >= 0 || m->m_type != sdp_media_audio || m->m_proto != sdp_proto_rtp || m->m_port == 0 ||
            m->m_rejected)
            continue;
        int chosen = -1;
        int event_pt = -1;
        for (sdp_rtpmap_t* rm = m->m_rtpmaps; rm; rm = rm->rm_next) {
            if (chosen < 0 && rm->rm_rate == 8000 && (is(rm->rm_encoding, "PCMA") || is(rm->rm_encoding, "PCMU"))) {
                chosen = rm->rm_pt;
                out.law = is(rm->rm_encoding, "PCMU") ? G711::Ulaw : G711::Alaw;
            }
            if (event_pt < 0 && rm->rm_rate == 8000 && is(rm->rm_encoding, "telephone-event")) event_pt = rm->rm_pt;
        }
        if (chosen < 0) continue;
        const sdp_connection_t* c = m->m_connections ? m->m_connections : session->sdp_connection;
        if (!c || c->c_addrtype != sdp_addr_ip4 || !c->c_address) continue;
        out.address = c->c_address;
        out.port = static_cast<int>(m->m_port);
        out.payload_type = chosen;
        out.telephone_event_pt = event_pt;
        out.audio_index = index;
    }
    sdp_parser_free(parser);
    if (out.audio_index < 0) {
        why = "the offer has no IPv4 audio with G.711 (PCMA or PCMU at 8000 Hz)";
        return std::nullopt;
    }
    return out;
}

std::string write_answer(const LineMedia& media, const std::string& our_address, int our_port,
                         unsigned long long session_id, unsigned long long version) {
    std::string sdp = "v=0\r\no=counsel-phone " + std::to_string(session_id) + " " + std::to_string(version) +
                      " IN IP4 " + our_address + "\r\ns=counsel-phone\r\nc=IN IP4 " + our_address + "\r\nt=0 0\r\n";
    for (std::size_t i = 0; i < media.mlines.size(); ++i) {
        if (static_cast<int>(i) != media.audio_index) {
            sdp += media.mlines[i] + "\r\n";
            continue;
        }
        const std::string pt = std::to_string(media.payload_type);
        sdp += "m=audio " + std::to_string(our_port) + " RTP/AVP " + pt;
        if (media.telephone_event_pt >= 0) sdp += " " + std::to_string(media.telephone_event_pt);
        sdp += "\r\na=rtpmap:" + pt + (media.law == G711::Ulaw ? " PCMU/8000" : " PCMA/8000") + "\r\n";
        if (media.telephone_event_pt >= 0) {
            const std::string te = std::to_string(media.telephone_event_pt);
            sdp += "a=rtpmap:" + te + " telephone-event/8000\r\na=fmtp:" + te + " 0-15\r\n";
        }
        sdp += "a=ptime:20\r\na=sendrecv\r\n";
    }
    return sdp;
}

}  // namespace counsel::phone
