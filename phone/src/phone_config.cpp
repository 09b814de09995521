#include "phone_config.hpp"

#include <arpa/inet.h>
#include <glib.h>
#include <sodium.h>

#include <cstring>
#include <initializer_list>

namespace counsel::phone {
namespace {

struct KeyFile {
    GKeyFile* file = g_key_file_new();
    ~KeyFile() { g_key_file_free(file); }
};

bool is_ipv4(const std::string& text) {
    in_addr addr{};
    return inet_pton(AF_INET, text.c_str(), &addr) == 1;
}

// A secret from a one-line file (e.g. 0600 root); trailing blanks and newline dropped.
std::optional<std::string> read_secret(const std::string& path, const char* what, std::string& why) {
    gchar* text = nullptr;
    gsize len = 0;
    if (!g_file_get_contents(path.c_str(), &text, &len, nullptr)) {
        why = std::string("cannot read ") + what + " " + path;
        return std::nullopt;
    }
    std::string out(text, len);
    sodium_memzero(text, len);
    g_free(text);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
    if (out.empty()) {
        why = std::string(what) + " " + path + " is empty";
        return std::nullopt;
    }
    return out;
}

// Every group and key the file may hold: a misspelt one (max_call) would leave
// a default in force that the admin believes changed, so it stops the start.
struct KnownGroup {
    const char* name;
    std::initializer_list<const char*> keys;
};
const KnownGroup kKnown[] = {
    {"sip", {"listen", "allowed_sources", "max_calls"}},
    {"media", {"address", "rtp_port_min", "rtp_port_max"}},
    {"janus", {"url", "token_secret_file", "service_key_file"}},
    {"calls", {"prompts_dir", "digit_timeout_s", "log_level"}},
};

// The admin's own text for a message: cut at 64 characters, plain ASCII only.
std::string shown(const char* name) {
    std::string out;
    for (const char* p = name; *p && out.size() < 64; ++p) out.push_back(*p > 0x20 && *p < 0x7f ? *p : '?');
    return out;
}

std::optional<std::string> unknown_name(GKeyFile* file) {
    gsize groups_len = 0;
    gchar** groups = g_key_file_get_groups(file, &groups_len);
    std::optional<std::string> why;
    for (gsize g = 0; g < groups_len && !why; ++g) {
        const KnownGroup* known = nullptr;
        for (const KnownGroup& k : kKnown)
            if (std::strcmp(k.name, groups[g]) == 0) known = &k;
        if (!known) {
            why = "unknown group [" + shown(groups[g]) + "] (the file holds [sip], [media], [janus] and [calls])";
            break;
        }
        gchar** keys = g_key_file_get_keys(file, groups[g], nullptr, nullptr);
        for (gchar** key = keys; key && *key && !why; ++key) {
            bool found = false;
            for (const char* name : known->keys) found = found || std::strcmp(name, *key) == 0;
            if (!found) why = "unknown key [" + std::string(known->name) + "] " + shown(*key) + ": no such option";
        }
        g_strfreev(keys);
    }
    g_strfreev(groups);
    return why;
}

}  // namespace

std::optional<PhoneConfig> load_config(const std::string& path, std::string& why) {
    KeyFile kf;
    GError* error = nullptr;
    if (!g_key_file_load_from_file(kf.file, path.c_str(), G_KEY_FILE_NONE, &error)) {
        why = "cannot read " + path + ": " + (error ? error->message : "unknown error");
        g_clear_error(&error);
        return std::nullopt;
    }
    if (auto unknown = unknown_name(kf.file)) {
        why = *unknown;
        return std::nullopt;
    }
    PhoneConfig c;
    auto text = [&](const char* group, const char* key, std::string& out) {
        if (gchar* v = g_key_file_get_string(kf.file, group, key, nullptr)) {
            out = g_strstrip(v);
            g_free(v);
        }
    };
    auto integer = [&](const char* group, const char* key, int& out, int low, int high) {
        if (!g_key_file_has_key(kf.file, group, key, nullptr)) return true;
        GError* e = nullptr;
        const gint v = g_key_file_get_integer(kf.file, group, key, &e);
        if (e || v < low || v > high) {
            g_clear_error(&e);
            why = std::string("[") + group + "] " + key + " must be a whole number from " + std::to_string(low) +
                  " to " + std::to_string(high);
            return false;
        }
        out = v;
        return true;
    };

    text("sip", "listen", c.sip_listen);
    if (c.sip_listen.rfind("sip:", 0) != 0) {
        why = "[sip] listen must be a SIP URL such as sip:0.0.0.0:5060";
        return std::nullopt;
    }
    std::string allowed;
    text("sip", "allowed_sources", allowed);
    gchar** parts = g_strsplit_set(allowed.c_str(), ", ", -1);
    for (gchar** p = parts; p && *p; ++p) {
        if (!**p) continue;
        if (!is_ipv4(*p) && std::strchr(*p, ':') == nullptr) {
            g_strfreev(parts);
            why = "[sip] allowed_sources must list IP addresses";
            return std::nullopt;
        }
        c.allowed_sources.emplace_back(*p);
    }
    g_strfreev(parts);
    if (!integer("sip", "max_calls", c.max_calls, 1, 500)) return std::nullopt;

    text("media", "address", c.media_address);
    if (!is_ipv4(c.media_address)) {
        why = "[media] address must be this machine's IPv4 address that the PBX sends RTP to";
        return std::nullopt;
    }
    if (!integer("media", "rtp_port_min", c.rtp_port_min, 1024, 65534) ||
        !integer("media", "rtp_port_max", c.rtp_port_max, 1025, 65535))
        return std::nullopt;
    if (c.rtp_port_max - c.rtp_port_min < 2 * c.max_calls) {
        why = "[media] rtp_port_min .. rtp_port_max must hold two ports per call of [sip] max_calls";
        return std::nullopt;
    }

    text("janus", "url", c.janus_url);
    if (c.janus_url.rfind("http://127.", 0) != 0 && c.janus_url.rfind("http://localhost", 0) != 0 &&
        c.janus_url.rfind("http://[::1]", 0) != 0) {
        why = "[janus] url must be Janus's HTTP transport on this machine (http://127.0.0.1:8088/janus): "
              "the plugin sends the caller's RTP to 127.0.0.1";
        return std::nullopt;
    }
    std::string token_file, key_file;
    text("janus", "token_secret_file", token_file);
    if (!token_file.empty()) {
        auto secret = read_secret(token_file, "token_secret_file", why);
        if (!secret) return std::nullopt;
        c.token_secret = std::move(*secret);
    }
    text("janus", "service_key_file", key_file);
    if (key_file.empty()) {
        why = "[janus] service_key_file is required: the key whose hash is the plugin's phone.service_key_hash";
        return std::nullopt;
    }
    auto key = read_secret(key_file, "service_key_file", why);
    if (!key) return std::nullopt;
    c.service_key = std::move(*key);

    text("calls", "prompts_dir", c.prompts_dir);
    if (!integer("calls", "digit_timeout_s", c.digit_timeout_s, 2, 120)) return std::nullopt;
    std::string level;
    text("calls", "log_level", level);
    if (level == "verbose") c.log_level = log::Level::Verbose;
    else if (level == "warn") c.log_level = log::Level::Warn;
    else if (!level.empty() && level != "info") {
        why = "[calls] log_level must be warn, info or verbose";
        return std::nullopt;
    }
    return c;
}

}  // namespace counsel::phone
