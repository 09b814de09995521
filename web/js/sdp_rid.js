// Janus 1.1.2 removes the rid and repaired-rid a=extmap lines from every offer
// a plugin makes but keeps a=simulcast on the m-line a person sends simulcast
// on; Chromium rejects such an offer ("negotiates simulcast but does not
// negotiate the RID RTP header extension"). Before answering, put the two
// lines back, with the ids of the page's own local description, into every
// m-section of the offer that has a=simulcast. Janus reads the ids back from
// the answer and the layers keep flowing (docs/api.md "Media").

const RID_URIS = ['urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id'];

// offerSdp: the plugin's offer; localSdp: the page's current local description (or '').
export function restoreRidExtensions(offerSdp, localSdp) {
  const ids = {};
  for (const line of (localSdp || '').split('\r\n')) {
    const m = line.match(/^a=extmap:(\d+)(?:\/\w+)? (\S+)/);
    if (m && RID_URIS.includes(m[2])) ids[m[2]] = m[1];
  }
  if (!Object.keys(ids).length) return offerSdp;
  return offerSdp
    .split(/\r\n(?=m=)/)
    .map((section) => {
      if (!/\r\na=simulcast:/.test(section)) return section;
      let add = '';
      for (const uri of RID_URIS) if (ids[uri] && !section.includes(uri)) add += `\r\na=extmap:${ids[uri]} ${uri}`;
      return add ? section.replace(/(\r\na=mid:[^\r\n]*)/, `$1${add}`) : section;
    })
    .join('\r\n');
}
