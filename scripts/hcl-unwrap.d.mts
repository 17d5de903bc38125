// Types of scripts/hcl-unwrap.mjs.
export declare function unwrapInterpolationOnly(text: string): string;
