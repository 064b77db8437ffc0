// The shape of a CustomResourceDefinition and of its structural schema as far as the gate reads them: a file of
// their own, so that the schema walkers and the CRD modules need not import the whole schema check (structure.ts).

/** A CustomResourceDefinition, as far as the gate reads it. */
export interface CustomResourceDefinition {
  readonly spec: {
    readonly group: string;
    readonly scope?: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly { readonly name: string; readonly served?: boolean; readonly schema?: { readonly openAPIV3Schema?: JsonSchema } }[];
  };
}

/** The subset of a structural schema the strict check walks. */
export interface JsonSchema {
  readonly type?: string;
  readonly properties?: Record<string, JsonSchema>;
  readonly items?: JsonSchema;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly [keyword: string]: unknown;
}
