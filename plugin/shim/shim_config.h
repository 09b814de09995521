/* Reading the plugin's configuration file (shim_config.c). Include <glib.h>
 * and <jansson.h> before this header. */
#ifndef COUNSEL_SHIM_CONFIG_H
#define COUNSEL_SHIM_CONFIG_H

#include <config.h>

#include "counsel_capi.h"

#define COUNSEL_PACKAGE "janus.plugin.counsel"

/* Reads <config_path>/janus.plugin.counsel.jcfg (or .cfg) into `settings`.
 * The strings point into *config_out, which the caller destroys with
 * janus_config_destroy after counsel_start; *practitioners_out is g_free'd
 * by the caller. Returns 0, or -1 after logging why the file cannot be used.
 * A missing file is not an error: the defaults, with no practitioners. */
int counsel_config_load(const char *config_path, janus_config **config_out,
		counsel_settings *settings, counsel_practitioner **practitioners_out);

#endif
