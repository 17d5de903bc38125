// The provider blocks keyward's stacks declare, built in one place so the clients, janitor and scheduled-rotation
// stacks point at the same Genesys Cloud org and AWS account the same way (and at the sandbox the same way).
import type { Construct } from "constructs";
import { isLoopbackHost } from "../src/core/net.js";
import { AwsProvider, type AwsProviderEndpoints } from "./bindings/aws/provider.js";
import { GenesysCloudProvider } from "./bindings/genesyscloud/provider.js";
import type { KeywardStacksConfig } from "./config.js";

/**
 * `genesyscloud`: the org's region, and the `gateway` block when the config has one (the sandbox's emulator). The
 * credentials come from the deployer's GENESYSCLOUD_* environment, never from the configuration.
 */
export function genesysProvider(scope: Construct, config: KeywardStacksConfig): GenesysCloudProvider {
  const gateway = config.gateway;
  return new GenesysCloudProvider(scope, "genesyscloud", {
    awsRegion: config.genesysRegion,
    gateway: gateway
      ? [{ host: gateway.host, port: gateway.port, protocol: gateway.protocol, pathParams: gateway.pathParams?.map((p) => ({ pathName: p.pathName, pathValue: p.pathValue })) }]
      : undefined,
  });
}

/**
 * `aws`: the region, default tags on every taggable resource, and the `awsEndpoints` overrides. Endpoints on this
 * machine are an emulator, which answers no STS and no instance metadata: the provider is told to skip both (the
 * real AWS provider needs exactly that against any AWS emulator).
 */
export function awsProvider(scope: Construct, config: KeywardStacksConfig, tags: { [key: string]: string }): AwsProvider {
  const endpoints = config.awsEndpoints ?? {};
  const urls = Object.values(endpoints).filter((v): v is string => typeof v === "string");
  const local = urls.length > 0 && urls.every((u) => isLoopbackHost(new URL(u).hostname));
  return new AwsProvider(scope, "aws", {
    region: config.awsRegion,
    defaultTags: [{ tags }],
    ...(urls.length ? { endpoints: [{ ...endpoints } as AwsProviderEndpoints] } : {}),
    ...(local ? { skipCredentialsValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: "true" } : {}),
  });
}
