import { decodeLayers, findBasicCredentials, isUuid } from "../decode/index.js";
import { detect, shannonEntropy } from "../scan/detect.js";
import { loadRules } from "../scan/rules.js";
import type { Decoder, Detector } from "./extract.js";

/**
 * Secrets in the strings of a state, plan or synthesized stack: everything keyward's scanner rules find (context,
 * pairing, HTTP Basic decoding), plus bare values shaped like a Genesys client secret — 43 characters of base64url
 * with the entropy of 32 random bytes. A state is Genesys context by itself, so a bare value in an output or a
 * trigger needs no keyword next to it (the scanner's rules do). The scanner's placeholders and stopwords still apply.
 */
const TOKEN = /[A-Za-z0-9_-]{43,}/g;

export const stateDetector: Detector = (text) => {
  const rules = loadRules();
  const out = new Map<string, ReturnType<Detector>[number]>();
  for (const d of detect(text, rules)) {
    // A Basic credential carries its own client id: the pair is structural.
    const structural = d.ruleId === rules.basicRuleId;
    out.set(d.secret, {
      secret: d.secret,
      ruleId: d.ruleId,
      ...(d.clientId ? { clientId: d.clientId, clientIdStructural: structural } : {}),
      ...(d.region ? { region: d.region } : {}),
    });
  }
  // Basic credentials in every form (unpadded, base64url, no scheme), whatever the secret's characters: a Genesys
  // secret without a digit (about 1 in 150) is still one. The client id inside pairs structurally.
  for (const basic of findBasicCredentials(text)) {
    if (!isUuid(basic.user) || !/^[A-Za-z0-9_-]{43}$/.test(basic.password) || out.has(basic.password)) continue;
    if (rules.allowedValues.has(basic.password) || rules.stopwords.test(basic.password)) continue;
    out.set(basic.password, { secret: basic.password, ruleId: rules.basicRuleId, clientId: basic.user, clientIdStructural: true });
  }
  for (const match of text.matchAll(TOKEN)) {
    const value = match[0];
    if (value.length !== 43 || out.has(value)) continue;
    if (rules.allowedValues.has(value) || rules.stopwords.test(value)) continue;
    // Random 32 bytes lack an upper- or lower-case letter with odds of about 1e-10; many words and ids lack one.
    if (!/[A-Z]/.test(value) || !/[a-z]/.test(value)) continue;
    // Random 43-character base64url measures 4.3–5.3 bits per character; 3.8 leaves room and keeps "aaaa…" out.
    if (shannonEntropy(value) < 3.8) continue;
    out.set(value, { secret: value, ruleId: "genesys-client-secret-bare" });
  }
  return [...out.values()];
};

/** The scanner's decoder (src/decode): every layer of base64 / base64url / URL-encoding / JSON escapes in a string. */
export const stateDecoder: Decoder = (text) => decodeLayers(text).map((layer) => ({ how: layer.encodings.join("+"), text: layer.text }));
