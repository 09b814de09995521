/* janus.plugin.counsel: reading janus.plugin.counsel.jcfg into a
 * counsel_settings for the core (which validates every value). Unknown
 * options, groups and practitioner fields stop the plugin, as wrong shapes do:
 * a misspelt key (idle_ends_s, profil) must not leave a default in force that
 * the admin believes changed. The file is never printed: janus_config_print
 * would show the practitioners' key hashes. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <jansson.h>

#include <config.h>
#include <debug.h>

#include "counsel_capi.h"
#include "shim_config.h"

/* The `general` options, by type. */
static const char *const counsel_string_options[] = {
	"state_db", "rec_dir", "events_url", "notice_text",
	"rec_webdav_url", "rec_webdav_user", "rec_webdav_password", "events_secret",
	"store", "postgres_conninfo", "node_id", "profile", "rec_reader_group",
};
static const char *const counsel_integer_options[] = {
	"max_duration_s", "lobby_timeout_s", "idle_end_s", "max_participants", "max_advance_s",
	"rec_retention_days", "offer_timeout_s", "reconnect_grace_s",
};

static gboolean counsel_known_option(const char *name) {
	size_t i;
	if(name == NULL)
		return FALSE;
	for(i = 0; i < G_N_ELEMENTS(counsel_string_options); i++)
		if(!g_ascii_strcasecmp(name, counsel_string_options[i]))
			return TRUE;
	for(i = 0; i < G_N_ELEMENTS(counsel_integer_options); i++)
		if(!g_ascii_strcasecmp(name, counsel_integer_options[i]))
			return TRUE;
	return FALSE;
}

/* A name from the file, printable for a log line: the admin's own text, but
 * cut at 64 characters and with anything but plain ASCII replaced. */
static const char *counsel_config_shown_name(const char *name, char *out, size_t len) {
	if(name == NULL)
		return "(unnamed)";
	size_t i;
	for(i = 0; name[i] != '\0' && i + 1 < len && i < 64; i++)
		out[i] = (name[i] >= 0x21 && name[i] <= 0x7e) ? name[i] : '?';
	out[i] = '\0';
	return out;
}

/* Every name in the file must be one the plugin reads: the top level holds
 * only the `general` group, the `practitioners` list and the optional `phone`
 * group, `general` only the options above (`phone` is checked where it is
 * read). A misspelt name stops the plugin with a line naming it. */
static int counsel_config_unknown_names(janus_config *config) {
	char shown[80];
	GList *l;
	for(l = config->list; l != NULL; l = l->next) {
		janus_config_container *c = (janus_config_container *)l->data;
		if(c == NULL)
			continue;
		if(c->name != NULL && (!g_ascii_strcasecmp(c->name, "general") || !g_ascii_strcasecmp(c->name, "practitioners") ||
				!g_ascii_strcasecmp(c->name, "phone")))
			continue;
		if(c->name != NULL && counsel_known_option(c->name)) {
			JANUS_LOG(LOG_FATAL, "[counsel] unknown top-level key '%s': it belongs inside general: { ... }\n",
				counsel_config_shown_name(c->name, shown, sizeof(shown)));
			return -1;
		}
		JANUS_LOG(LOG_FATAL, "[counsel] unknown %s '%s' in %s.jcfg (the file holds general: { ... } and "
			"practitioners = ( ... ), and phone: { ... } only)\n", c->type == janus_config_type_item ? "top-level key" : "group",
			counsel_config_shown_name(c->name, shown, sizeof(shown)), COUNSEL_PACKAGE);
		return -1;
	}
	janus_config_container *general = janus_config_get(config, NULL, janus_config_type_any, "general");
	if(general == NULL || general->type != janus_config_type_category)
		return 0;
	for(l = general->list; l != NULL; l = l->next) {
		janus_config_container *c = (janus_config_container *)l->data;
		if(c == NULL || counsel_known_option(c->name))
			continue;
		if(c->name != NULL && (!g_ascii_strcasecmp(c->name, "practitioners") || !g_ascii_strcasecmp(c->name, "phone"))) {
			JANUS_LOG(LOG_FATAL, "[counsel] '%s' belongs at the top level of the file, "
				"not inside general\n", c->name);
			return -1;
		}
		JANUS_LOG(LOG_FATAL, "[counsel] unknown key general.%s: no such option (misspelt? see README "
			"\"Configuration\")\n", counsel_config_shown_name(c->name, shown, sizeof(shown)));
		return -1;
	}
	return 0;
}

/* general.<name> as a plain item: 0 and *out = NULL if absent, -1 if it is
 * there but not a plain value. */
static int counsel_config_item(janus_config *config, janus_config_category *general, const char *name,
		janus_config_item **out) {
	*out = NULL;
	if(general == NULL)
		return 0;
	janus_config_container *c = janus_config_get(config, general, janus_config_type_any, name);
	if(c == NULL)
		return 0;
	if(c->type != janus_config_type_item || c->value == NULL) {
		JANUS_LOG(LOG_FATAL, "[counsel] general.%s must be a single value, not a group or list\n", name);
		return -1;
	}
	*out = c;
	return 0;
}

static int counsel_config_string(janus_config *config, janus_config_category *general, const char *name,
		const char **out) {
	janus_config_item *item = NULL;
	*out = NULL;
	if(counsel_config_item(config, general, name, &item) < 0)
		return -1;
	if(item != NULL)
		*out = item->value;	/* Owned by `config`: valid until janus_config_destroy. */
	return 0;
}

/* Integers are parsed strictly: decimal digits with an optional sign,
 * nothing else (no spaces, units, fractions, "true"). Absent means
 * COUNSEL_UNSET, which the core reads as "the default". The value itself is
 * not logged. */
static int counsel_config_integer(janus_config *config, janus_config_category *general, const char *name,
		int64_t *out) {
	janus_config_item *item = NULL;
	*out = COUNSEL_UNSET;
	if(counsel_config_item(config, general, name, &item) < 0)
		return -1;
	if(item == NULL)
		return 0;
	gint64 value = 0;
	GError *error = NULL;
	if(!g_ascii_string_to_signed(item->value, 10, G_MININT64, G_MAXINT64, &value, &error)) {
		JANUS_LOG(LOG_FATAL, "[counsel] general.%s must be a whole number (e.g. %s = 600), "
			"without units, fractions or spaces\n", name, name);
		g_clear_error(&error);
		return -1;
	}
	*out = (int64_t)value;
	return 0;
}

/* The practitioners list at the top level of the file:
 *   practitioners = (
 *     { id = "dr-a"; key_hash = "$blake2b$..."; },
 *     { id = "dr-b"; key_hash = "$blake2b$..."; }
 *   )
 * Janus's parser turns the libconfig list into an array container whose
 * elements are nameless categories. A missing list yields zero entries
 * (the core then refuses to start). The entries point into `config`. */
static int counsel_config_practitioners(janus_config *config, counsel_practitioner **out, size_t *count) {
	*out = NULL;
	*count = 0;
	janus_config_container *list = janus_config_get(config, NULL, janus_config_type_any, "practitioners");
	if(list == NULL)
		return 0;
	if(list->type != janus_config_type_array) {
		JANUS_LOG(LOG_FATAL, "[counsel] 'practitioners' must be a list in parentheses: "
			"practitioners = ( { id = \"...\"; key_hash = \"$blake2b$...\"; } )\n");
		return -1;
	}
	guint n = g_list_length(list->list);
	if(n == 0)
		return 0;
	counsel_practitioner *entries = g_new0(counsel_practitioner, n);
	guint i = 0;
	GList *l;
	for(l = list->list; l != NULL; l = l->next, i++) {
		janus_config_container *entry = (janus_config_container *)l->data;
		if(entry == NULL || entry->type != janus_config_type_category) {
			JANUS_LOG(LOG_FATAL, "[counsel] practitioners entry #%u must be a group "
				"{ id = \"...\"; key_hash = \"$blake2b$...\"; }\n", i + 1);
			g_free(entries);
			return -1;
		}
		GList *f;
		for(f = entry->list; f != NULL; f = f->next) {
			janus_config_container *field = (janus_config_container *)f->data;
			if(field == NULL)
				continue;
			gboolean known = field->name != NULL &&
				(!g_ascii_strcasecmp(field->name, "id") || !g_ascii_strcasecmp(field->name, "key_hash"));
			if(!known) {
				char shown[80];
				JANUS_LOG(LOG_FATAL, "[counsel] practitioners entry #%u: unknown field '%s' "
					"(only id and key_hash)\n", i + 1, counsel_config_shown_name(field->name, shown, sizeof(shown)));
				g_free(entries);
				return -1;
			}
			if(field->type != janus_config_type_item || field->value == NULL) {
				JANUS_LOG(LOG_FATAL, "[counsel] practitioners entry #%u: '%s' must be a string\n",
					i + 1, field->name);
				g_free(entries);
				return -1;
			}
			if(!g_ascii_strcasecmp(field->name, "id"))
				entries[i].id = field->value;
			else
				entries[i].key_hash = field->value;
		}
		/* Missing fields stay NULL: the core says what is wrong with them. */
	}
	*out = entries;
	*count = n;
	return 0;
}

/* The optional `phone` group at the top level (README "Phone dial-in"):
 *   phone: { number = "+49 30 1234567"; service_key_hash = "$blake2b$..."; }
 * Only these two keys; the strings point into `config`; the core checks
 * their values (Config::phone_problem). */
static int counsel_config_phone(janus_config *config, counsel_settings *settings) {
	janus_config_container *phone = janus_config_get(config, NULL, janus_config_type_any, "phone");
	if(phone == NULL)
		return 0;
	if(phone->type != janus_config_type_category) {
		JANUS_LOG(LOG_FATAL, "[counsel] 'phone' must be a group: phone: { number = \"...\"; service_key_hash = \"...\"; }\n");
		return -1;
	}
	GList *l;
	for(l = phone->list; l != NULL; l = l->next) {
		janus_config_container *c = (janus_config_container *)l->data;
		if(c == NULL)
			continue;
		gboolean number = c->name != NULL && !g_ascii_strcasecmp(c->name, "number");
		if(!number && (c->name == NULL || g_ascii_strcasecmp(c->name, "service_key_hash"))) {
			char shown[80];
			JANUS_LOG(LOG_FATAL, "[counsel] unknown key phone.%s: no such option (only number and "
				"service_key_hash; see README \"Phone dial-in\")\n", counsel_config_shown_name(c->name, shown, sizeof(shown)));
			return -1;
		}
		if(c->type != janus_config_type_item || c->value == NULL) {
			JANUS_LOG(LOG_FATAL, "[counsel] phone.%s must be a string\n", c->name);
			return -1;
		}
		if(number)
			settings->phone_number = c->value;
		else
			settings->phone_service_key_hash = c->value;
	}
	return 0;
}

/* Reads the plugin's configuration file into `settings`. The strings point
 * into *config_out, which the caller destroys after counsel_start. */
int counsel_config_load(const char *config_path, janus_config **config_out,
		counsel_settings *settings, counsel_practitioner **practitioners_out) {
	*config_out = NULL;
	*practitioners_out = NULL;
	memset(settings, 0, sizeof(*settings));
	settings->max_duration_s = settings->lobby_timeout_s = settings->idle_end_s = COUNSEL_UNSET;
	settings->max_participants = settings->max_advance_s = COUNSEL_UNSET;
	settings->rec_retention_days = COUNSEL_UNSET;
	settings->offer_timeout_s = COUNSEL_UNSET;
	settings->reconnect_grace_s = COUNSEL_UNSET;

	char filename[1024];
	g_snprintf(filename, sizeof(filename), "%s/%s.jcfg", config_path, COUNSEL_PACKAGE);
	JANUS_LOG(LOG_VERB, "[counsel] configuration file: %s\n", filename);
	janus_config *config = janus_config_parse(filename);
	if(config == NULL) {
		if(g_file_test(filename, G_FILE_TEST_EXISTS)) {
			/* Janus has logged the line and the reason just above. */
			JANUS_LOG(LOG_FATAL, "[counsel] %s could not be parsed (see the error above)\n", filename);
			return -1;
		}
		JANUS_LOG(LOG_WARN, "[counsel] couldn't find .jcfg configuration file (%s), trying .cfg\n",
			COUNSEL_PACKAGE);
		g_snprintf(filename, sizeof(filename), "%s/%s.cfg", config_path, COUNSEL_PACKAGE);
		JANUS_LOG(LOG_VERB, "[counsel] configuration file: %s\n", filename);
		config = janus_config_parse(filename);
		if(config == NULL && g_file_test(filename, G_FILE_TEST_EXISTS)) {
			JANUS_LOG(LOG_FATAL, "[counsel] %s could not be parsed (see the error above)\n", filename);
			return -1;
		}
	}
	if(config == NULL) {
		JANUS_LOG(LOG_WARN, "[counsel] no configuration file in %s: using the defaults, "
			"with no practitioners\n", config_path);
		return 0;
	}
	*config_out = config;
	if(!config->is_jcfg)
		JANUS_LOG(LOG_WARN, "[counsel] %s is an INI file: it cannot hold the practitioners list, "
			"use %s.jcfg\n", filename, COUNSEL_PACKAGE);

	if(counsel_config_unknown_names(config) < 0)
		return -1;
	janus_config_container *general = janus_config_get(config, NULL, janus_config_type_any, "general");
	if(general != NULL && general->type != janus_config_type_category) {
		JANUS_LOG(LOG_FATAL, "[counsel] 'general' must be a group: general: { ... }\n");
		return -1;
	}

	if(counsel_config_string(config, general, "state_db", &settings->state_db) < 0 ||
			counsel_config_string(config, general, "rec_dir", &settings->rec_dir) < 0 ||
			counsel_config_string(config, general, "events_url", &settings->events_url) < 0 ||
			counsel_config_string(config, general, "notice_text", &settings->notice_text) < 0 ||
			counsel_config_integer(config, general, "max_duration_s", &settings->max_duration_s) < 0 ||
			counsel_config_integer(config, general, "lobby_timeout_s", &settings->lobby_timeout_s) < 0 ||
			counsel_config_integer(config, general, "idle_end_s", &settings->idle_end_s) < 0 ||
			counsel_config_integer(config, general, "max_participants", &settings->max_participants) < 0 ||
			counsel_config_integer(config, general, "max_advance_s", &settings->max_advance_s) < 0 ||
			counsel_config_integer(config, general, "rec_retention_days", &settings->rec_retention_days) < 0 ||
			counsel_config_integer(config, general, "offer_timeout_s", &settings->offer_timeout_s) < 0 ||
			counsel_config_integer(config, general, "reconnect_grace_s", &settings->reconnect_grace_s) < 0 ||
			counsel_config_string(config, general, "rec_webdav_url", &settings->rec_webdav_url) < 0 ||
			counsel_config_string(config, general, "rec_webdav_user", &settings->rec_webdav_user) < 0 ||
			counsel_config_string(config, general, "rec_webdav_password", &settings->rec_webdav_password) < 0 ||
			counsel_config_string(config, general, "events_secret", &settings->events_secret) < 0 ||
			counsel_config_string(config, general, "store", &settings->store) < 0 ||
			counsel_config_string(config, general, "postgres_conninfo", &settings->postgres_conninfo) < 0 ||
			counsel_config_string(config, general, "node_id", &settings->node_id) < 0 ||
			counsel_config_string(config, general, "profile", &settings->profile) < 0 ||
			counsel_config_string(config, general, "rec_reader_group", &settings->rec_reader_group) < 0)
		return -1;

	if(counsel_config_phone(config, settings) < 0)
		return -1;

	counsel_practitioner *practitioners = NULL;
	size_t count = 0;
	if(counsel_config_practitioners(config, &practitioners, &count) < 0)
		return -1;
	settings->practitioners = practitioners;
	settings->practitioners_count = count;
	*practitioners_out = practitioners;
	JANUS_LOG(LOG_INFO, "[counsel] configuration read: %zu practitioner(s)\n", count);
	return 0;
}

