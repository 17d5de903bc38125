/**
 * keyward's decoder (README "Decoding"): the one place that turns base64 / base64url (padded or not; of a value,
 * of JSON, of env text), URL-encoding, JSON escapes and HTTP Basic values back into text, with every decoded
 * character mapped to where it came from. `keyward scan` and `keyward audit-state` both use it.
 */
export {
  base64Layer,
  DEFAULT_DECODE_LIMITS,
  decodeBase64Text,
  DecodedLayer,
  decodeLayers,
  encodingsIn,
  isPrintableText,
  jsonUnescapeLayer,
  sourceView,
  urlDecodeLayer,
  type DecodeLimits,
  type Encoding,
  type TextView,
} from "./layers.js";
export { decodeBasic, findBasicCredentials, isUuid, type BasicCredentials, type BasicMatch } from "./basic.js";
export { encodedForms } from "./forms.js";
