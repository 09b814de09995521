// Unknown options, groups and practitioner fields stop the plugin, as wrong
// shapes do: a misspelt key (idle_ends_s, profil) must not leave a default in
// force that the admin believes changed.
#include "janus/config_file.hpp"

#include <cinttypes>
#include <cstdint>
#include <memory>
#include <variant>

#include "media/janus.hpp"

extern "C" {
#include <config.h>
}

#include "shim/counsel_capi.h"

namespace counsel::janus {
namespace {

// The `general` options: name and the Config member it sets. A string left
// empty in the file keeps the default; integers are whole decimal numbers.
struct Option {
    const char* name;
    std::variant<std::string Config::*, std::int64_t Config::*> member;
};
const Option kGeneral[] = {
    {"state_db", &Config::state_db},
    {"rec_dir", &Config::rec_dir},
    {"events_url", &Config::events_url},
    {"notice_text", &Config::notice_text},
    {"max_duration_s", &Config::max_duration_s},
    {"lobby_timeout_s", &Config::lobby_timeout_s},
    {"idle_end_s", &Config::idle_end_s},
    {"max_participants", &Config::max_participants},
    {"max_advance_s", &Config::max_advance_s},
    {"rec_retention_days", &Config::rec_retention_days},
    {"offer_timeout_s", &Config::offer_timeout_s},
    {"reconnect_grace_s", &Config::reconnect_grace_s},
    {"rec_webdav_url", &Config::rec_webdav_url},
    {"rec_webdav_user", &Config::rec_webdav_user},
    {"rec_webdav_password", &Config::rec_webdav_password},
    {"events_secret", &Config::events_secret},
    {"store", &Config::store},
    {"postgres_conninfo", &Config::postgres_conninfo},
    {"node_id", &Config::node_id},
    {"profile", &Config::profile},
    {"rec_reader_group", &Config::rec_reader_group},
};
// The `phone` group (README "Phone dial-in").
const Option kPhone[] = {
    {"number", &Config::phone_number},
    {"service_key_hash", &Config::phone_service_key_hash},
};

bool named(const char* name, const char* wanted) { return name && !g_ascii_strcasecmp(name, wanted); }

template <std::size_t N>
const Option* option_named(const Option (&table)[N], const char* name) {
    for (const Option& option : table)
        if (named(name, option.name)) return &option;
    return nullptr;
}

// A name from the file, printable for a log line: the admin's own text, but
// cut at 64 characters and with anything but plain ASCII replaced.
std::string shown(const char* name) {
    if (!name) return "(unnamed)";
    std::string out;
    for (std::size_t i = 0; name[i] != '\0' && i < 64; ++i)
        out += (name[i] >= 0x21 && name[i] <= 0x7e) ? name[i] : '?';
    return out;
}

// Every name in the file must be one the plugin reads: the top level holds
// only the `general` group, the `practitioners` list and the optional `phone`
// group, `general` only the options above (`phone` is checked where it is
// read). A misspelt name stops the plugin with a line naming it.
bool only_known_names(janus_config* config) {
    for (GList* l = config->list; l; l = l->next) {
        auto* c = static_cast<janus_config_container*>(l->data);
        if (!c) continue;
        if (named(c->name, "general") || named(c->name, "practitioners") || named(c->name, "phone")) continue;
        if (option_named(kGeneral, c->name)) {
            JANUS_LOG(LOG_FATAL, "[counsel] unknown top-level key '%s': it belongs inside general: { ... }\n",
                      shown(c->name).c_str());
            return false;
        }
        JANUS_LOG(LOG_FATAL,
                  "[counsel] unknown %s '%s' in %s.jcfg (the file holds general: { ... } and "
                  "practitioners = ( ... ), and phone: { ... } only)\n",
                  c->type == janus_config_type_item ? "top-level key" : "group", shown(c->name).c_str(),
                  COUNSEL_PACKAGE);
        return false;
    }
    janus_config_container* general = janus_config_get(config, nullptr, janus_config_type_any, "general");
    if (!general || general->type != janus_config_type_category) return true;
    for (GList* l = general->list; l; l = l->next) {
        auto* c = static_cast<janus_config_container*>(l->data);
        if (!c || option_named(kGeneral, c->name)) continue;
        if (named(c->name, "practitioners") || named(c->name, "phone")) {
            JANUS_LOG(LOG_FATAL, "[counsel] '%s' belongs at the top level of the file, not inside general\n", c->name);
            return false;
        }
        JANUS_LOG(LOG_FATAL,
                  "[counsel] unknown key general.%s: no such option (misspelt? see README \"Configuration\")\n",
                  shown(c->name).c_str());
        return false;
    }
    return true;
}

// One `general` value into its member. Integers are parsed strictly: decimal
// digits with an optional sign, nothing else (no spaces, units, fractions,
// "true"). The value itself is never logged.
bool read_general(janus_config_container* item, const Option& option, Config& config) {
    if (item->type != janus_config_type_item || !item->value) {
        JANUS_LOG(LOG_FATAL, "[counsel] general.%s must be a single value, not a group or list\n", option.name);
        return false;
    }
    if (auto* text = std::get_if<std::string Config::*>(&option.member)) {
        if (*item->value) config.*(*text) = item->value;
        return true;
    }
    gint64 value = 0;
    GError* error = nullptr;
    if (!g_ascii_string_to_signed(item->value, 10, G_MININT64, G_MAXINT64, &value, &error)) {
        JANUS_LOG(LOG_FATAL,
                  "[counsel] general.%s must be a whole number (e.g. %s = 600), without units, fractions or spaces\n",
                  option.name, option.name);
        g_clear_error(&error);
        return false;
    }
    config.*std::get<std::int64_t Config::*>(option.member) = value;
    return true;
}

bool read_general_group(janus_config* config, Config& out) {
    janus_config_container* general = janus_config_get(config, nullptr, janus_config_type_any, "general");
    if (!general) return true;
    if (general->type != janus_config_type_category) {
        JANUS_LOG(LOG_FATAL, "[counsel] 'general' must be a group: general: { ... }\n");
        return false;
    }
    for (const Option& option : kGeneral) {
        janus_config_container* item = janus_config_get(config, general, janus_config_type_any, option.name);
        if (item && !read_general(item, option, out)) return false;
    }
    return true;
}

// The optional `phone` group at the top level (README "Phone dial-in"):
//   phone: { number = "+49 30 1234567"; service_key_hash = "$blake2b$..."; }
bool read_phone_group(janus_config* config, Config& out) {
    janus_config_container* phone = janus_config_get(config, nullptr, janus_config_type_any, "phone");
    if (!phone) return true;
    if (phone->type != janus_config_type_category) {
        JANUS_LOG(LOG_FATAL,
                  "[counsel] 'phone' must be a group: phone: { number = \"...\"; service_key_hash = \"...\"; }\n");
        return false;
    }
    for (GList* l = phone->list; l; l = l->next) {
        auto* c = static_cast<janus_config_container*>(l->data);
        if (!c) continue;
        const Option* option = option_named(kPhone, c->name);
        if (!option) {
            JANUS_LOG(LOG_FATAL,
                      "[counsel] unknown key phone.%s: no such option (only number and service_key_hash; see README "
                      "\"Phone dial-in\")\n",
                      shown(c->name).c_str());
            return false;
        }
        if (c->type != janus_config_type_item || !c->value) {
            JANUS_LOG(LOG_FATAL, "[counsel] phone.%s must be a string\n", c->name);
            return false;
        }
        out.*std::get<std::string Config::*>(option->member) = c->value;
    }
    return true;
}

// The practitioners list at the top level of the file:
//   practitioners = (
//     { id = "dr-a"; key_hash = "$blake2b$..."; },
//     { id = "dr-b"; key_hash = "$blake2b$..."; }
//   )
// Janus's parser turns the libconfig list into an array container whose
// elements are nameless categories. A missing list yields zero entries
// (Config::problem() then refuses to start); so do missing fields.
bool read_practitioners(janus_config* config, Config& out) {
    janus_config_container* list = janus_config_get(config, nullptr, janus_config_type_any, "practitioners");
    if (!list) return true;
    if (list->type != janus_config_type_array) {
        JANUS_LOG(LOG_FATAL,
                  "[counsel] 'practitioners' must be a list in parentheses: "
                  "practitioners = ( { id = \"...\"; key_hash = \"$blake2b$...\"; } )\n");
        return false;
    }
    unsigned n = 0;
    for (GList* l = list->list; l; l = l->next) {
        ++n;
        auto* entry = static_cast<janus_config_container*>(l->data);
        if (!entry || entry->type != janus_config_type_category) {
            JANUS_LOG(LOG_FATAL,
                      "[counsel] practitioners entry #%u must be a group "
                      "{ id = \"...\"; key_hash = \"$blake2b$...\"; }\n",
                      n);
            return false;
        }
        PractitionerEntry practitioner;
        for (GList* f = entry->list; f; f = f->next) {
            auto* field = static_cast<janus_config_container*>(f->data);
            if (!field) continue;
            if (!named(field->name, "id") && !named(field->name, "key_hash")) {
                JANUS_LOG(LOG_FATAL, "[counsel] practitioners entry #%u: unknown field '%s' (only id and key_hash)\n",
                          n, shown(field->name).c_str());
                return false;
            }
            if (field->type != janus_config_type_item || !field->value) {
                JANUS_LOG(LOG_FATAL, "[counsel] practitioners entry #%u: '%s' must be a string\n", n, field->name);
                return false;
            }
            (named(field->name, "id") ? practitioner.id : practitioner.key_hash) = field->value;
        }
        out.practitioners.push_back(std::move(practitioner));
    }
    return true;
}

// The file, parsed, or null: `ok` false when one exists but cannot be parsed.
janus_config* parse_file(const std::string& config_path, bool& ok, std::string& filename) {
    ok = true;
    filename = config_path + "/" COUNSEL_PACKAGE ".jcfg";
    JANUS_LOG(LOG_VERB, "[counsel] configuration file: %s\n", filename.c_str());
    janus_config* config = janus_config_parse(filename.c_str());
    if (config) return config;
    if (g_file_test(filename.c_str(), G_FILE_TEST_EXISTS)) {
        // Janus has logged the line and the reason just above.
        JANUS_LOG(LOG_FATAL, "[counsel] %s could not be parsed (see the error above)\n", filename.c_str());
        ok = false;
        return nullptr;
    }
    JANUS_LOG(LOG_WARN, "[counsel] couldn't find .jcfg configuration file (%s), trying .cfg\n", COUNSEL_PACKAGE);
    filename = config_path + "/" COUNSEL_PACKAGE ".cfg";
    JANUS_LOG(LOG_VERB, "[counsel] configuration file: %s\n", filename.c_str());
    config = janus_config_parse(filename.c_str());
    if (!config && g_file_test(filename.c_str(), G_FILE_TEST_EXISTS)) {
        JANUS_LOG(LOG_FATAL, "[counsel] %s could not be parsed (see the error above)\n", filename.c_str());
        ok = false;
    }
    return config;
}

}  // namespace

bool read_config_file(const std::string& config_path, Config& out) {
    bool ok = true;
    std::string filename;
    janus_config* config = parse_file(config_path, ok, filename);
    if (!config) {
        if (ok)
            JANUS_LOG(LOG_WARN, "[counsel] no configuration file in %s: using the defaults, with no practitioners\n",
                      config_path.c_str());
        return ok;
    }
    std::unique_ptr<janus_config, void (*)(janus_config*)> owned(config, janus_config_destroy);
    if (!config->is_jcfg)
        JANUS_LOG(LOG_WARN, "[counsel] %s is an INI file: it cannot hold the practitioners list, use %s.jcfg\n",
                  filename.c_str(), COUNSEL_PACKAGE);
    if (!only_known_names(config) || !read_general_group(config, out) || !read_phone_group(config, out) ||
        !read_practitioners(config, out))
        return false;
    JANUS_LOG(LOG_INFO, "[counsel] configuration read: %zu practitioner(s)\n", out.practitioners.size());
    return true;
}

}  // namespace counsel::janus
