// counsel-phone: phone dial-in for janus-counsel (README "Phone dial-in").
//   counsel-phone --config /etc/janus-counsel/counsel-phone.conf
//   counsel-phone --config FILE --check     (reads config and prompts, then exits)
#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <sofia-sip/su.h>

#include <cstring>
#include <string>

#include "log.hpp"
#include "phone_config.hpp"
#include "phone_service.hpp"
#include "prompts.hpp"
#include "sip_agent.hpp"

using namespace counsel::phone;

int main(int argc, char** argv) {
    std::string config_path;
    bool check = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) config_path = argv[++i];
        else if (std::strcmp(argv[i], "--check") == 0) check = true;
        else {
            log::error("usage: counsel-phone --config FILE [--check]");
            return 2;
        }
    }
    if (config_path.empty()) {
        log::error("usage: counsel-phone --config FILE [--check]");
        return 2;
    }
    if (sodium_init() < 0) {
        log::error("libsodium could not be initialised");
        return 1;
    }
    std::string why;
    auto config = load_config(config_path, why);
    if (!config) {
        log::error("invalid configuration: " + why);
        return 1;
    }
    log::set_level(config->log_level);
    auto prompts = PromptLibrary::load(config->prompts_dir, why);
    if (!prompts) {
        log::error(why);
        return 1;
    }
    if (check) {
        log::info("configuration and prompts are fine");
        return 0;
    }
    ::signal(SIGPIPE, SIG_IGN);
    silence_sofia();
    if (su_init() != 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log::error("cannot initialise Sofia-SIP or libcurl");
        return 1;
    }
    silence_sofia();  // su_init reads the environment again
    int status;
    {
        PhoneService service(std::move(*config), std::move(*prompts));
        status = service.run();
    }
    curl_global_cleanup();
    su_deinit();
    return status;
}
