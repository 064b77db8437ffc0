// The shape of a CustomResourceDefinition and of its structural schema as far as the gate reads them: a file of
// their own, so that the schema walkers and the CRD modules need not import the whole schema check (structure.ts).

/** A CustomResourceDefinition, as far as the gate reads it. */
export interface CustomResourceDefinition {
  /** The CRD's group, scope, kind and versions with their OpenAPI schemas (`apiextensions.k8s.io/v1`). */
  readonly spec: {
    readonly group: string;
    readonly scope?: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly { readonly name: string; readonly served?: boolean; readonly schema?: { readonly openAPIV3Schema?: JsonSchema } }[];
  };
}

/** The subset of a structural schema the strict check walks. */
export interface JsonSchema {
  /** The value's JSON type: `object`, `array`, `string`, ... */
  readonly type?: string;
  /** An object's known fields; any other field is a finding unless the schema allows it. */
  readonly properties?: Record<string, JsonSchema>;
  /** The schema of an array's items. */
  readonly items?: JsonSchema;
  /** The schema of an object's other fields (a map), or whether they are allowed. */
  readonly additionalProperties?: boolean | JsonSchema;
  /** Kubernetes' marker for a field whose content is not checked. */
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  /** Every other keyword (`required`, `enum`, `pattern`, ...), as in the CRD. */
  readonly [keyword: string]: unknown;
}
