// `npm run synth -- --hcl` writes references the way `terraform fmt` does (scripts/hcl-unwrap.mjs), so the HCL passes
// `terraform fmt -check`; test:terraform runs the real `terraform fmt -check` on the output.
import { unwrapInterpolationOnly } from "../../scripts/hcl-unwrap.mjs";

describe("unwrapInterpolationOnly", () => {
  it("turns a string that is exactly one interpolation into the bare expression, in attributes, maps and lists", () => {
    expect(unwrapInterpolationOnly('  value = "${aws_secretsmanager_secret.s.arn}"\n')).toBe("  value = aws_secretsmanager_secret.s.arn\n");
    expect(unwrapInterpolationOnly('  triggers_replace = {\n    client_id = "${genesyscloud_oauth_client.c.id}"\n  }\n')).toBe(
      "  triggers_replace = {\n    client_id = genesyscloud_oauth_client.c.id\n  }\n",
    );
    expect(unwrapInterpolationOnly('  depends_on = ["${aws_iam_role.r}", "${aws_iam_role_policy.p}"]')).toBe("  depends_on = [aws_iam_role.r, aws_iam_role_policy.p]");
    expect(unwrapInterpolationOnly('  source_code_hash = "${filebase64sha256("assets/x/archive.zip")}"')).toBe('  source_code_hash = filebase64sha256("assets/x/archive.zip")');
    expect(unwrapInterpolationOnly('  workspace = "${terraform.workspace}"')).toBe("  workspace = terraform.workspace");
  });

  it("leaves literal text alone: escaped $${, text around an interpolation, escaped quotes, template directives", () => {
    for (const line of [
      '  name = "Export $${file(\\"/etc/hostname\\")}"',
      '  description = "OAuth client id of \\"Billing\\" ${var.x}"',
      '  description = "client ${a.b} and ${c.d}"',
      '  description = "quoted \\"${a.b}"',
      '  description = "%%{if true}x%%{endif}"',
      '  command = "node keyward.js --client-id \\"$KEYWARD_CLIENT_ID\\""',
      '  value = "${a.b"',
    ]) {
      expect(unwrapInterpolationOnly(line)).toBe(line);
    }
  });
});
