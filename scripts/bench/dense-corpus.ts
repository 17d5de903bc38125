/**
 * A keyword-dense corpus that looks like a Genesys Cloud SDK tree: API classes (C#, JS, Python, Go, Java), generated
 * API docs in Markdown with the SDKs' published example values, models, source maps and tests. Every file names
 * PureCloud / Genesys several times; UUIDs and long identifiers (43-character digitless ones among them) are
 * everywhere, so neither a keyword prefilter nor a plain 43-character regex helps. `planted` credentials (random,
 * synthetic) are written in the styles real leaks take. Deterministic for a seed. Written for keyward's bench; no
 * text of any real SDK is copied (the shapes are imitated, the words generated).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface PlantedPair {
  path: string;
  secret: string;
  clientId: string;
}

export interface DenseCorpus {
  dir: string;
  bytes: number;
  files: number;
  planted: PlantedPair[];
  /** Relative paths of every file written, in order. */
  paths: string[];
}

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "analytics conversations details jobs availability routing queue members wrapup codes outbound campaigns contact lists " +
  "users presence definitions groups roles divisions authorization organizations settings emails threading messaging " +
  "integrations actions flows datatables architect prompts recordings speech text knowledge documents gamification " +
  "metrics scorecards workforce management schedules forecasts adherence telephony providers edges trunks sites " +
  "journey sessions segments outcomes notifications channels subscriptions quality evaluations surveys forms " +
  "content management workspaces external contacts organizations relationships web deployments chat voicemail " +
  "mailbox messages uploads presigned learning modules assignments coaching appointments scripts pages audits"
).split(" ");
const VERBS = ["Get", "Post", "Put", "Patch", "Delete", "Head"];
const TYPES = ["string", "int?", "bool?", "List<string>", "DateTime?", "Object"];

export function writeDenseCorpus(dir: string, targetBytes: number, seed = 7): DenseCorpus {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number) => Math.floor(rand() * n);
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[int(16)]).join("");
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[int(4)]}${hex(3)}-${hex(12)}`;
  const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const secret = () => {
    for (;;) {
      const s = Array.from({ length: 43 }, () => B64URL[int(64)]).join("");
      // Shaped like what keyward accepts (all three classes, no identifier-like runs); 1 in ~1,400 random values is not.
      if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s) && !/[a-z]{10}|[A-Z]{10}/.test(s)) return s;
    }
  };
  const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
  const camel = (n: number) => Array.from({ length: n }, () => cap(pick(WORDS))).join("");
  const snake = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join("_");
  const apiName = () => `${cap(pick(WORDS))}${cap(pick(WORDS))}Api`;
  // A 43-character digitless identifier, like the .NET SDK's GetEmailsSettingsThreadingAsyncWithHttpInfo.
  const ident43 = () => {
    for (;;) {
      const s = `${pick(VERBS)}${camel(3 + int(3))}WithHttpInfo`;
      if (s.length >= 43) return s.slice(0, 43);
    }
  };
  const method = () => `${pick(VERBS)}${camel(2 + int(4))}`;
  const path = () => `/api/v2/${Array.from({ length: 2 + int(3) }, () => pick(WORDS)).join("/")}/{${pick(WORDS)}Id}`;

  const csharp = (name: string) => {
    const out = [
      `using System;\nusing System.Collections.Generic;\nusing RestSharp;\nusing PureCloudPlatform.Client.V2.Client;\nusing PureCloudPlatform.Client.V2.Model;\n\nnamespace PureCloudPlatform.Client.V2.Api\n{\n    /// <summary>\n    /// Represents a collection of functions to interact with the PureCloud API endpoints ({@link https://developer.genesys.cloud})\n    /// </summary>\n    public partial class ${name} : I${name}\n    {\n`,
    ];
    for (let i = 0; i < 12 + int(10); i++) {
      const m = method();
      const arg = `${pick(WORDS)}Id`;
      out.push(
        `        /// <summary>\n        /// ${cap(pick(WORDS))} ${pick(WORDS)} ${pick(WORDS)} (Genesys Cloud ${pick(WORDS)})\n        /// </summary>\n        /// <exception cref="PureCloudPlatform.Client.V2.Client.ApiException">Thrown when fails to make API call</exception>\n        /// <param name="${arg}">${cap(pick(WORDS))} ID, e.g. ${uuid()}</param>\n        /// <returns>ApiResponse of ${camel(2)}</returns>\n        public ApiResponse<${camel(2)}> ${ident43()} (${pick(TYPES)} ${arg})\n        {\n            if (${arg} == null)\n                throw new ApiException(400, "Missing required parameter '${arg}' when calling ${name}->${m}");\n            var localVarPath = "${path()}";\n            var localVarHeaderParams = new Dictionary<String, String>(this.Configuration.DefaultHeader);\n            localVarHeaderParams.Add("Accept", "application/json");\n            // Authentication (PureCloud OAuth) required\n            if (!String.IsNullOrEmpty(this.Configuration.AccessToken))\n                localVarHeaderParams["Authorization"] = "Bearer " + this.Configuration.AccessToken;\n            IRestResponse localVarResponse = (IRestResponse) this.Configuration.ApiClient.CallApi(localVarPath, Method.${pick(VERBS).toUpperCase()}, localVarQueryParams, localVarPostBody, localVarHeaderParams);\n            return new ApiResponse<${camel(2)}>(localVarStatusCode, localVarHeaders, (${camel(2)}) this.Configuration.ApiClient.Deserialize(localVarResponse, typeof(${camel(2)})));\n        }\n\n`,
      );
    }
    out.push("    }\n}\n");
    return out.join("");
  };

  const markdown = (name: string) => {
    const out = [
      `# ${name}\n\n## PureCloudPlatform.Client.V2.Api.${name}\n\nAll URIs are relative to *https://api.mypurecloud.com*\n\n| Method | HTTP request | Description |\n| ------------- | ------------- | ------------- |\n`,
    ];
    const methods = Array.from({ length: 6 + int(6) }, method);
    for (const m of methods) out.push(`| [**${m}**](#${m}) | **${pick(VERBS).toUpperCase()}** ${path()} | ${cap(pick(WORDS))} ${pick(WORDS)} |\n`);
    for (const m of methods) {
      const arg = `${pick(WORDS)}Id`;
      out.push(
        `\n## ${m}\n\n> ${camel(2)} ${m} (string ${arg})\n\nRequires ANY permissions:\n\n* ${pick(WORDS)}:${pick(WORDS)}:view\n\n### Example\n\`\`\`{"language":"csharp"}\nusing PureCloudPlatform.Client.V2.Api;\nusing PureCloudPlatform.Client.V2.Client;\n\nnamespace Example\n{\n    public class ${m}Example\n    {\n        public void main()\n        {\n            // Configure OAuth2 access token for authorization: PureCloud OAuth\n            // The following example is using the Authorization Code Grant\n            var accessTokenInfo = Configuration.Default.ApiClient.PostToken("18a4c365-7ea3-4f0g-9fb7-884fb4d2e9c6",\n                "M7FfdYQyL5TA6BdbEZ8M9-Wx4uZai1rNQ7jcuFdcJJo",\n                "http://redirecturi.com/",\n                "6Zxcb0oASMBI55wQJ6bVmOmO57k8CxXBKgzDKtYXbtk");\n\n            var apiInstance = new ${name}();\n            var ${arg} = ${arg}_example;  // string | ${cap(pick(WORDS))} ID (${uuid()})\n\n            try\n            {\n                ${camel(2)} result = apiInstance.${m}(${arg});\n            }\n            catch (Exception e)\n            {\n                Debug.Print("Exception when calling ${name}.${m}: " + e.Message );\n            }\n        }\n    }\n}\n\`\`\`\n\n### Parameters\n\n|Name | Type | Description  | Notes|\n|------------- | ------------- | ------------- | -------------|\n| **${arg}** | **string**| ${cap(pick(WORDS))} ID | |\n\n_PureCloudPlatform.Client.V2 ${1 + int(300)}.0.0_\n`,
      );
    }
    return out.join("");
  };

  const javascript = (name: string) => {
    const out = [
      `import ApiClient from '../ApiClient.js';\n\n\nclass ${name} {\n\t/**\n\t * ${name} service.\n\t * @module purecloud-platform-client-v2/api/${name}\n\t * @version ${100 + int(200)}.0.0\n\t */\n\n\t/**\n\t * Constructs a new ${name}. Genesys Cloud platformClient.\n\t * @alias module:purecloud-platform-client-v2/api/${name}\n\t */\n\tconstructor(apiClient) {\n\t\tthis.apiClient = apiClient || ApiClient.instance;\n\t}\n\n`,
    ];
    for (let i = 0; i < 10 + int(10); i++) {
      const m = method();
      const fn = m[0]!.toLowerCase() + m.slice(1);
      const arg = `${pick(WORDS)}Id`;
      out.push(
        `\t/**\n\t * ${cap(pick(WORDS))} ${pick(WORDS)} ${pick(WORDS)}\n\t * @param {String} ${arg} ${cap(pick(WORDS))} ID (for example ${uuid()})\n\t */\n\t${fn}(${arg}) { \n\t\t// verify the required parameter '${arg}' is set\n\t\tif (${arg} === undefined || ${arg} === null) {\n\t\t\tthrow 'Missing the required parameter "${arg}" when calling ${fn}';\n\t\t}\n\n\t\treturn this.apiClient.callApi(\n\t\t\t'${path()}', \n\t\t\t'${pick(VERBS).toUpperCase()}', \n\t\t\t{ '${arg}': ${arg} },\n\t\t\t{  },\n\t\t\t{  },\n\t\t\t{  },\n\t\t\tnull, \n\t\t\t['PureCloud OAuth'], \n\t\t\t['application/json'],\n\t\t\t['application/json']\n\t\t);\n\t}\n\n`,
      );
    }
    out.push(`}\n\n\nexport default ${name};\n`);
    return out.join("");
  };

  const python = (name: string) => {
    const model = camel(2);
    const attrs = Array.from({ length: 10 + int(10) }, () => snake(2 + int(2)));
    const out = [
      `# coding: utf-8\n\n"""\nCopyright 2016 SmartBear Software (swagger); generated for the Genesys Cloud PureCloudPlatformClientV2 package\n"""\n\nfrom pprint import pformat\nfrom typing import List, Dict\n\nif TYPE_CHECKING:\n    from . import ${model}\n\nclass ${model}(object):\n    """\n    NOTE: This class is auto generated by the swagger code generator program (PureCloud ${name}).\n    Do not edit the class manually.\n    """\n    def __init__(self) -> None:\n        self.swagger_types = {\n`,
    ];
    for (const a of attrs) out.push(`            '${a}': '${pick(["str", "int", "bool", "datetime", "list[str]", camel(2)])}',\n`);
    out.push("        }\n        self.attribute_map = {\n");
    for (const a of attrs) out.push(`            '${a}': '${a.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())}',\n`);
    out.push("        }\n\n");
    for (const a of attrs)
      out.push(
        `    @property\n    def ${a}(self) -> str:\n        """\n        Gets the ${a} of this ${model} (a Genesys Cloud id such as ${uuid()}).\n        """\n        return self._${a}\n\n`,
      );
    return out.join("");
  };

  const golang = (name: string) => {
    const out = [
      `package platformclientv2\n\nimport (\n\t"encoding/json"\n\t"net/http"\n\t"net/url"\n)\n\n// ${name} provides functions for API endpoints of the Genesys Cloud (PureCloud) platform\ntype ${name} struct {\n\tConfiguration *Configuration\n}\n\n`,
    ];
    for (let i = 0; i < 10 + int(8); i++) {
      const m = method();
      out.push(
        `// ${m} invokes ${pick(VERBS).toUpperCase()} ${path()}\n//\n// ${cap(pick(WORDS))} ${pick(WORDS)} for the organization ${uuid()}\nfunc (a ${name}) ${m}(${pick(WORDS)}Id string) (*${camel(2)}, *APIResponse, error) {\n\tvar httpMethod = "${pick(VERBS).toUpperCase()}"\n\tpath := a.Configuration.BasePath + "${path()}"\n\theaderParams := make(map[string]string)\n\tqueryParams := make(map[string]string)\n\t// oauth required\n\tif a.Configuration.AccessToken != "" {\n\t\theaderParams["Authorization"] = "Bearer " + a.Configuration.AccessToken\n\t}\n\tvar successPayload *${camel(2)}\n\tresponse, err := a.Configuration.APIClient.CallAPI(path, httpMethod, nil, headerParams, queryParams, nil, "", nil, "other")\n\tif err == nil && response.Error == nil {\n\t\terr = json.Unmarshal(response.RawBody, &successPayload)\n\t}\n\treturn successPayload, response, err\n}\n\n`,
      );
    }
    return out.join("");
  };

  const sourceMap = (name: string) => {
    const segs = Array.from({ length: 1500 + int(1500) }, () =>
      Array.from({ length: 1 + int(3) }, () => "ACEGIKMOQSUWYacegikmoqsuwy02468+/"[int(33)] + "AACAA"[int(5)] + B64URL[int(52)] + "A".repeat(int(2))).join(""),
    );
    const names = Array.from({ length: 80 }, () => (rand() < 0.5 ? camel(2 + int(3)) : `__WEBPACK_IMPORTED_MODULE_${int(10)}_purecloud_platform_client_v2__`));
    return JSON.stringify({
      version: 3,
      file: `${name}.min.js`,
      sources: [`webpack://purecloud-platform-client-v2/./src/purecloud/api/${name}.js`, "webpack://purecloud-platform-client-v2/webpack/bootstrap"],
      names,
      mappings: segs.join(",").replace(/(,[^,]*){8}/g, (m) => `${m};`),
      sourcesContent: [`// Genesys Cloud ${name} (platformClient)\n${javascript(name).slice(0, 2000)}`],
    });
  };

  const test = (name: string) => {
    const out = [
      `using NUnit.Framework;\nusing PureCloudPlatform.Client.V2.Api;\n\nnamespace PureCloudPlatform.Client.V2.Tests\n{\n    /// Genesys Cloud SDK tests for ${name}\n    [TestFixture]\n    public class ${name}Tests\n    {\n`,
    ];
    for (let i = 0; i < 15; i++) {
      const tname = `${snake(3 + int(3))}_${int(10)}`;
      out.push(
        `        [Test]\n        public void ${tname}()\n        {\n            var id = "${uuid()}";\n            Assert.That(instance.${method()}(id), Is.Not.Null, "PureCloud ${pick(WORDS)}");\n        }\n\n`,
      );
    }
    out.push("    }\n}\n");
    return out.join("");
  };

  // The 20 planted leaks, in the styles real leaks take (placed in files of every kind).
  const leakStyles: Array<(id: string, s: string) => string> = [
    (id, s) => `\n# local test settings (do not commit)\nGENESYSCLOUD_OAUTHCLIENT_ID=${id}\nGENESYSCLOUD_OAUTHCLIENT_SECRET=${s}\nGENESYSCLOUD_REGION=us-east-1\n`,
    (id, s) =>
      `\n            // quick test against the org\n            PureCloudRegionHosts region = PureCloudRegionHosts.eu_west_1;\n            var accessTokenInfo = Configuration.Default.ApiClient.PostToken("${id}", "${s}");\n`,
    (id, s) =>
      `\n\t// TODO remove\n\tconst creds = { clientId: '${id}', clientSecret: '${s}' };\n\tawait platformClient.ApiClient.instance.loginClientCredentialsGrant(creds.clientId, creds.clientSecret);\n`,
    (id, s) => `\n    apiclient = PureCloudPlatformClientV2.api_client.ApiClient().get_client_credentials_token("${id}", "${s}")\n`,
    (id, s) => `\n\tconfig.AuthorizeClientCredentials("${id}", "${s}") // genesys sandbox org\n`,
    (id, s) => `\n\`\`\`json\n{\n  "clientId": "${id}",\n  "clientSecret": "${s}",\n  "region": "us-west-2"\n}\n\`\`\`\n`,
  ];
  const planted: PlantedPair[] = [];
  const kinds: Array<[string, (n: string) => string]> = [
    ["build/src/PureCloudPlatform.Client.V2/Api/%.cs", csharp],
    ["build/docs/%.md", markdown],
    ["build/src/purecloud-platform-client-v2/api/%.js", javascript],
    ["build/PureCloudPlatformClientV2/models/%.py", python],
    ["build/platformclientv2/%.go", golang],
    ["build/dist/%.min.js.map", sourceMap],
    ["build/test/%Tests.cs", test],
  ];
  const paths: string[] = [];
  let bytes = 0;
  let n = 0;
  while (bytes < targetBytes) {
    const [pattern, make] = kinds[n % kinds.length]!;
    const name = `${apiName()}${n}`;
    const rel = pattern.replace("%", name);
    let text = make(name);
    // 20 leaks, spread evenly through the corpus whatever its size.
    if (planted.length < 20 && bytes >= (targetBytes * (planted.length + 1)) / 21 && !rel.endsWith(".map")) {
      const id = uuid();
      const s = secret();
      const style = leakStyles[planted.length % leakStyles.length]!;
      const at = text.indexOf("\n", Math.floor(text.length / 2));
      text = `${text.slice(0, at)}${style(id, s)}${text.slice(at)}`;
      planted.push({ path: rel, secret: s, clientId: id });
    }
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    paths.push(rel);
    bytes += Buffer.byteLength(text);
    n++;
  }
  return { dir, bytes, files: n, planted, paths };
}
