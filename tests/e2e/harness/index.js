'use strict';
// Everything a browser media test needs (see ../README.md).

module.exports = {
  ...require('./netns'),
  ...require('./util'),
  ...require('./janus'),
  ...require('./http_server'),
  ...require('./browser'),
  ...require('./webrtc_stats'),
  ...require('./scenario'),
  ...require('./client_link'),
};
