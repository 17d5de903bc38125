/** The fields of the REST `secret-scanning-alert` the janitor reads (reference §2.1). */
export interface SecretScanningAlert {
  number: number;
  state: "open" | "resolved";
  resolution?: string | null;
  secret?: string;
  secret_type?: string;
  secret_type_display_name?: string;
  created_at?: string;
  html_url?: string;
  validity?: string;
}

/** `commit` / `wiki_commit` details carry path and lines; every other type one `<type>_url` (reference §2.2). */
export interface AlertLocation {
  type: string;
  details: Record<string, unknown> & {
    path?: string;
    start_line?: number;
    end_line?: number;
    start_column?: number;
    end_column?: number;
    blob_sha?: string;
    commit_sha?: string;
  };
}

export interface CommitInfo {
  sha: string;
  authorEmail?: string;
  authorName?: string;
  authorLogin?: string;
  files: Array<{ filename: string; patch?: string }>;
}

export interface AlertUpdate {
  state: "open" | "resolved";
  resolution?: "false_positive" | "wont_fix" | "revoked" | "used_in_tests" | null;
  resolution_comment?: string;
}
