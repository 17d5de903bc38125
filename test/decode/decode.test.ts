import { randomBytes, randomUUID } from "node:crypto";
import fc from "fast-check";
import {
  base64Layer,
  decodeBase64Text,
  decodeBasic,
  decodeLayers,
  encodedForms,
  encodingsIn,
  findBasicCredentials,
  jsonUnescapeLayer,
  sourceView,
  urlDecodeLayer,
  type DecodedLayer,
} from "../../src/decode/index.js";

const ID = "6f1c2a4e-8d3b-4c7a-9e21-5b0f3d8a7c14";
const SECRET = "Ct5zrCxDsD1Upz7YJ5r9pLmN6WG1nUchdZtN63FIq3w";
/** A 43-character secret without a digit (about one real secret in 1,400 looks like this). */
const DIGITLESS = "kQzXbNwPmRtYvLsJhGfDcAeUiOpKjHgFdSaZxCvBnMq";
const b64 = (s: string) => Buffer.from(s).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");
const unpadded = (s: string) => b64(s).replace(/=+$/, "");

/** The layer whose text holds `needle`, and where the needle maps back to in the source. */
function find(layers: DecodedLayer[], needle: string): { layer: DecodedLayer; at: number; source: number } | undefined {
  for (const layer of layers) {
    const at = layer.text.indexOf(needle);
    if (at >= 0) return { layer, at, source: layer.sourceOffset(at) };
  }
  return undefined;
}

describe("base64 layers", () => {
  it.each([
    ["standard, padded", b64(`secret=${SECRET}`), "base64"],
    ["standard, unpadded", unpadded(`secret=${SECRET}`), "base64"],
    ["base64url", b64url(`secret?${SECRET}>>>`), "base64url"],
  ])("decodes %s and says which alphabet", (_name, token, encoding) => {
    const text = `data:\n  client-secret: ${token}\n`;
    const hit = find(decodeLayers(text), SECRET);
    expect(hit?.layer.encodings).toEqual([encoding]);
    // The decoded secret maps back inside the encoded run.
    const runStart = text.indexOf(token);
    expect(hit!.source).toBeGreaterThanOrEqual(runStart);
    expect(hit!.source).toBeLessThan(runStart + token.length);
    expect(encodingsIn(hit!.layer, hit!.at, hit!.at + SECRET.length)).toEqual([encoding]);
  });

  it("decodes the bare value (a Kubernetes Secret's data) and keeps the key beside it in the layer", () => {
    const text = `apiVersion: v1\nkind: Secret\ndata:\n  client-id: ${b64(ID)}\n  client-secret: ${b64(SECRET)}\n`;
    const [layer] = decodeLayers(text);
    expect(layer!.text).toContain(`client-id: ${ID}\n  client-secret: ${SECRET}\n`);
    expect(layer!.spans.map((s) => text.slice(s.start, s.end))).toEqual([b64(ID), b64(SECRET)]);
  });

  it("decodes base64 of JSON, then the JSON's own escapes one layer deeper", () => {
    const json = JSON.stringify({ clientId: ID, clientSecret: SECRET, region: "us-east-1", note: 'say "hi"' });
    const text = `value=${b64(json)}`;
    const layers = decodeLayers(text);
    expect(find(layers, `"clientSecret":"${SECRET}"`)?.layer.encodings).toEqual(["base64"]);
    expect(find(layers, 'say "hi"')?.layer.encodings).toEqual(["base64", "json-escape"]);
  });

  it("decodes base64 of env text (multi-line)", () => {
    const env = `CLIENT_ID=${ID}\nCLIENT_SECRET=${SECRET}\n`;
    const hit = find(decodeLayers(`ENV_B64: "${b64(env)}"`), `CLIENT_SECRET=${SECRET}`);
    expect(hit?.layer.depth).toBe(1);
  });

  it.each([
    ["random bytes (a digest)", randomBytes(32).toString("base64")],
    ["a long identifier read as base64", "GetEmailsSettingsThreadingAsyncWithHttpInfo"],
    ["a UUID", ID],
    ["a 43-character secret itself", SECRET],
    ["mixed alphabets", `${b64("hello world, hello world")}`.replace(/^./, "-").replace(/.$/, "+")],
  ])("leaves %s alone", (_name, token) => {
    expect(decodeLayers(`x ${token} y`).filter((l) => l.encodings.includes("base64") || l.encodings.includes("base64url"))).toEqual([]);
  });

  it.each([
    ["one character too many", "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQhX"],
    ["padding on a length not a multiple of 4", "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=="],
  ])("rejects malformed base64: %s", (_name, token) => {
    expect(decodeBase64Text(token)).toBeUndefined();
  });

  it("skips runs shorter than the minimum", () => {
    expect(base64Layer(sourceView(`x ${b64("hi there")} y`), 16)).toBeUndefined();
    expect(base64Layer(sourceView(`x ${b64("hi there")} y`), 8)?.text).toBe("x hi there y");
  });
});

describe("URL-encoding layers", () => {
  it("decodes %XX with exact offsets and leaves + alone (it is part of base64 values)", () => {
    const text = "a%3Db+c%2F";
    const layer = urlDecodeLayer(sourceView(text))!;
    expect(layer.text).toBe("a=b+c/");
    expect([...layer.text].map((_, i) => layer.sourceOffset(i))).toEqual([0, 1, 4, 5, 6, 7]);
    expect(layer.encodingsAt(1)).toEqual(["url"]);
    expect(layer.encodingsAt(2)).toEqual([]);
  });

  it("decodes multi-byte UTF-8 sequences whole, and invalid ones byte by byte", () => {
    expect(urlDecodeLayer(sourceView("caf%C3%A9"))!.text).toBe("café");
    expect(urlDecodeLayer(sourceView("x%FFy"))!.text).toBe("x\u00ffy");
  });

  it("finds URL-encoded JSON inside a URL's query", () => {
    const state = encodeURIComponent(JSON.stringify({ clientId: ID, clientSecret: SECRET }));
    const text = `https://apps.example.com/callback?code=x&state=${state}#frag`;
    const hit = find(decodeLayers(text), `"clientSecret":"${SECRET}"`);
    expect(hit?.layer.encodings).toEqual(["url"]);
    expect(text.slice(hit!.source, hit!.source + 3)).toBe("%22");
    // The secret's own characters are unreserved: they map to themselves in the source.
    const at = hit!.layer.text.indexOf(SECRET);
    expect(text.slice(hit!.layer.sourceOffset(at), hit!.layer.sourceOffset(at) + SECRET.length)).toBe(SECRET);
  });

  it("returns nothing for text without escapes, and leaves a stray % alone", () => {
    expect(urlDecodeLayer(sourceView("100% sure"))).toBeUndefined();
    expect(urlDecodeLayer(sourceView("100% %41"))!.text).toBe("100% A");
  });
});

describe("JSON escape layers", () => {
  it("decodes the escapes JSON has, with offsets", () => {
    const text = String.raw`{\"a\":\"x\/y\",\"n\":\"1\n2\t\u0041\\\"}`;
    const layer = jsonUnescapeLayer(sourceView(text))!;
    expect(layer.text).toBe('{"a":"x/y","n":"1\n2\tA\\"}');
    expect(layer.sourceOffset(1)).toBe(1); // the first \" starts at 1
    expect(layer.encodingsAt(1)).toEqual(["json-escape"]);
  });

  it("reads `aws secretsmanager get-secret-value` output (a JSON string of JSON)", () => {
    const doc = JSON.stringify({ clientId: ID, clientSecret: SECRET, region: "eu-west-1", rotatedBy: "keyward" });
    const text = JSON.stringify({ ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyward/app-AbCdEf", Name: "keyward/app", SecretString: doc }, null, 4);
    const hit = find(decodeLayers(text), `"clientSecret":"${SECRET}"`);
    expect(hit?.layer.encodings).toEqual(["json-escape"]);
  });

  it("leaves unknown escapes (\\x, \\d) as they are", () => {
    expect(jsonUnescapeLayer(sourceView(String.raw`a\d\x`))).toBeUndefined();
  });
});

describe("nesting and bounds", () => {
  it("peels a URL-encoded Basic value: url, then base64", () => {
    const text = `Authorization=Basic%20${encodeURIComponent(b64(`${ID}:${SECRET}`))}`;
    const hit = find(decodeLayers(text), `${ID}:${SECRET}`);
    expect(hit?.layer.encodings).toEqual(["url", "base64"]);
    expect(hit?.layer.depth).toBe(2);
    expect(hit!.source).toBe(text.indexOf("Basic%20") + "Basic%20".length);
  });

  it("stops at maxDepth: base64 of base64 of base64 … is peeled three layers by default", () => {
    let value = `CLIENT_SECRET=${SECRET}`;
    for (let i = 0; i < 6; i++) value = b64(value);
    const layers = decodeLayers(`v: ${value}`);
    expect(Math.max(...layers.map((l) => l.depth))).toBe(3);
    expect(find(layers, SECRET)).toBeUndefined();
    expect(find(decodeLayers(`v: ${value}`, { maxDepth: 6 }), SECRET)?.layer.depth).toBe(6);
  });

  it("stops at maxBytes and maxLayers", () => {
    const text = Array.from({ length: 50 }, (_, i) => `k${i}: ${b64(`value number ${i} `.repeat(20))}`).join("\n");
    const small = decodeLayers(text, { maxBytes: 100 });
    expect(small).toEqual([]);
    expect(decodeLayers(text, { maxLayers: 1 })).toHaveLength(1);
  });

  it("never throws and stays bounded on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'%\\u"/+=_-:ABCDEFabcdef0123456789 \nZz'.split("")), maxLength: 400 }), (text) => {
        const layers = decodeLayers(text);
        expect(layers.length).toBeLessThanOrEqual(32);
        for (const l of layers) {
          expect(l.depth).toBeLessThanOrEqual(3);
          for (let i = 0; i < l.text.length; i++) {
            const s = l.sourceOffset(i);
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(text.length);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("HTTP Basic values", () => {
  const pair = `${ID}:${SECRET}`;
  it.each([
    ["padded standard base64 with the scheme", `Basic ${b64(pair)}`, "base64", true],
    ["unpadded", `Basic ${unpadded(pair)}`, "base64", false],
    ["URL-encoded space after the scheme", `Basic%20${b64(pair)}`, "base64", true],
    ["no scheme", b64(pair), "base64", true],
  ])("decodes %s", (_name, value, encoding, padded) => {
    expect(decodeBasic(value)).toEqual({ user: ID, password: SECRET, encoding, padded });
  });

  it("decodes base64url (told apart by - or _; a value with neither is valid base64 too and is called base64)", () => {
    const password = ["?>~", "~?", ">~~~"].map((tail) => SECRET + tail).find((p) => /[-_]/.test(b64url(`${ID}:${p}`)))!;
    expect(decodeBasic(`basic ${b64url(`${ID}:${password}`)}`)).toEqual({ user: ID, password, encoding: "base64url", padded: false });
    expect(decodeBasic(`Basic ${b64url(pair)}`)?.password).toBe(SECRET);
  });

  it("returns a password without a digit as it is (judging its shape is the rule's job)", () => {
    expect(decodeBasic(`Basic ${b64(`${ID}:${DIGITLESS}`)}`)?.password).toBe(DIGITLESS);
  });

  it.each([
    ["no colon", b64("justoneword")],
    ["an empty user", b64(":password")],
    ["binary", randomBytes(60).toString("base64")],
    ["not base64", "Basic not*base64"],
  ])("refuses %s", (_name, value) => {
    expect(decodeBasic(value)).toBeUndefined();
  });

  it("finds Basic values after the scheme and bare ones that decode to <uuid>:…, with offsets", () => {
    const after = `Authorization: Basic ${b64url(`app:${DIGITLESS}`)}`;
    const bare = `token=${unpadded(pair)}&x=1`;
    const text = `${after}\n${bare}\nBasic ${b64("user:pass")} and ${b64("not-a-uuid:value-value")}`;
    const found = findBasicCredentials(text);
    expect(found.map((f) => [f.user, f.password, text.slice(f.start, f.end)])).toEqual([
      ["app", DIGITLESS, b64url(`app:${DIGITLESS}`)],
      [ID, SECRET, unpadded(pair)],
      ["user", "pass", b64("user:pass")],
    ]);
  });
});

describe("encoded forms", () => {
  it("lists raw, URL, JSON, base64 (padded, unpadded, url) and Basic forms, each decodable back", () => {
    const forms = encodedForms(SECRET, ID);
    expect(forms).toEqual(expect.arrayContaining([SECRET, b64(SECRET), unpadded(SECRET), b64url(SECRET), b64(`${ID}:${SECRET}`), encodeURIComponent(b64(`${ID}:${SECRET}`))]));
    for (const form of forms.filter((f) => f !== SECRET)) {
      const text = `value: ${form}\n`;
      const found = find(decodeLayers(text), SECRET) ?? (text.includes(SECRET) ? { source: text.indexOf(SECRET) } : undefined);
      expect([form, found !== undefined]).toEqual([form, true]);
    }
  });

  it("round-trips random credentials in every form (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom(...[0, 1, 2, 3, 4]), (bytes, variant) => {
        const secret = Buffer.from(bytes).toString("base64url");
        const id = randomUUID();
        const forms = encodedForms(secret, id).filter((f) => f !== secret && f !== encodeURIComponent(secret) && f !== JSON.stringify(secret).slice(1, -1));
        const form = forms[variant % forms.length]!;
        const layers = decodeLayers(`k: ${form}\n`, { minBase64: 16 });
        expect(layers.some((l) => l.text.includes(secret))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
