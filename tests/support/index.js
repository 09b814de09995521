'use strict';
// Everything in tests/support in one require (see README.md).

module.exports = {
  ...require('./netns'),
  ...require('./util'),
  ...require('./jcfg'),
  ...require('./janus'),
  ...require('./janus_client'),
  ...require('./http_server'),
  ...require('./page_server'),
  ...require('./browser'),
  ...require('./webrtc_stats'),
  ...require('./world'),
};
