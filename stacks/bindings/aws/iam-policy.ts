// Typed IAM policy statements rendered to the policy JSON that `aws_iam_role.assume_role_policy` and
// `aws_iam_role_policy.policy` take. Rendering happens in TypeScript (`JSON.stringify`), so the synthesized
// configuration holds a plain JSON string in which Terraform only fills in `${...}` references: tests can
// `JSON.parse` it back and inspect every statement, which a `jsonencode(...)` expression would not allow.

export interface IamPolicyPrincipal {
  readonly type: "Service" | "AWS" | "Federated";
  readonly identifiers: string[];
}

export interface IamPolicyCondition {
  /** Condition operator, e.g. `StringEquals`, `ArnLike`. */
  readonly test: string;
  /** Context key, e.g. `kms:ViaService`. */
  readonly variable: string;
  readonly values: string[];
}

export interface IamPolicyStatement {
  /** Short statement id; keyward names every statement, so policies read as intent. */
  readonly sid: string;
  readonly effect?: "Allow" | "Deny";
  readonly actions: string[];
  /** Omitted only in trust policies (which name principals instead). */
  readonly resources?: string[];
  readonly principals?: IamPolicyPrincipal[];
  readonly conditions?: IamPolicyCondition[];
}

/** The JSON shape AWS expects (what `JSON.parse(policy)` returns). */
export interface IamPolicyJson {
  readonly Version: "2012-10-17";
  readonly Statement: Array<{
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string[];
    readonly Resource?: string[];
    readonly Principal?: { [type: string]: string[] };
    readonly Condition?: { [test: string]: { [variable: string]: string[] } };
  }>;
}

/** Typed statements -> policy object. Empty resource lists are an error: IAM would reject them anyway. */
export function toIamPolicyJson(statements: readonly IamPolicyStatement[]): IamPolicyJson {
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => {
      if (s.resources !== undefined && s.resources.length === 0) {
        throw new Error(`IAM statement ${s.sid} has an empty resource list`);
      }
      if (s.actions.length === 0) throw new Error(`IAM statement ${s.sid} has no actions`);
      const principal = s.principals?.length ? Object.fromEntries(s.principals.map((p) => [p.type, [...p.identifiers]])) : undefined;
      const condition: { [test: string]: { [variable: string]: string[] } } = {};
      for (const c of s.conditions ?? []) {
        condition[c.test] = { ...condition[c.test], [c.variable]: [...c.values] };
      }
      return {
        Sid: s.sid,
        Effect: s.effect ?? "Allow",
        Action: [...s.actions],
        ...(s.resources ? { Resource: [...s.resources] } : {}),
        ...(principal ? { Principal: principal } : {}),
        ...(s.conditions?.length ? { Condition: condition } : {}),
      };
    }),
  };
}

/** Typed statements -> the policy JSON string (Terraform references inside stay as `${...}` interpolations). */
export function policyDocument(statements: readonly IamPolicyStatement[]): string {
  return JSON.stringify(toIamPolicyJson(statements));
}
