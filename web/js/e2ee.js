// End-to-end encryption of media and chat: the page uses web/e2ee (WebCrypto
// and insertable streams; formats and limits in web/e2ee/README.md) through
// this one name. `available` is false where the browser cannot encrypt
// frames; the page then neither creates nor joins e2ee rooms with media.

export { E2EE } from '../e2ee/index.js';
