/**
 * Stands in for `@kubernetes-models/validate` inside the bundle `generate-schema-validators.ts` writes. The compiled
 * validators of kubernetes-models read only `formats` from that package, and only the five formats below; the
 * package itself also loads every ajv format, ajv-i18n and their dependencies, which cost more to load than the
 * validators. Each definition is the one the package uses: int32, int64 and double from ajv-formats, byte and
 * quantity from @kubernetes-models/validate's own formats.
 */
const MIN_INT32 = -(2 ** 31);
const MAX_INT32 = 2 ** 31 - 1;

// https://github.com/kubernetes/apimachinery/blob/8c18d83/pkg/api/resource/quantity.go, as the package writes it.
const SIGNED_NUMBER = /[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)/;
const QUANTITY_SUFFIX = new RegExp(`(?:[KMGTPE]i|(?:[YZEPTGMkhdcmunpfazy]|da)|[eE]${SIGNED_NUMBER.source})?`);

export const formats = {
  int32: { type: 'number', validate: (value: number) => Number.isInteger(value) && value <= MAX_INT32 && value >= MIN_INT32 },
  // JSON numbers are doubles: any integer is a valid int64.
  int64: { type: 'number', validate: (value: number) => Number.isInteger(value) },
  double: { type: 'number', validate: () => true },
  byte: { type: 'string', validate: (value: string) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value) },
  quantity: { type: 'string', validate: new RegExp(`^${SIGNED_NUMBER.source}${QUANTITY_SUFFIX.source}$`) },
};
