/**
 * Name and reference checks shared by the constructs.
 */

/** A DNS-1035 label: what a Service name must be (and so every object a construct names after itself). */
export const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Checks a name used for several objects, leaving room for the longest suffix appended to it. */
export function isObjectName(name: unknown, suffixRoom = 0): name is string {
  return typeof name === 'string' && DNS_LABEL.test(name) && name.length <= 63 - suffixRoom;
}

/** The allowed-values text for {@link isObjectName}. */
export function objectNameAllowed(suffixRoom = 0): string {
  return `a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most ${63 - suffixRoom} characters)`;
}

const DIGEST = /@sha256:[a-f0-9]{64}$/;
const TAG = /:([\w][\w.-]{0,127})$/;
const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;

/** Checks an image reference: a repository with an explicit tag other than `latest`, or a sha256 digest. */
export function isPinnedImage(image: unknown): image is string {
  if (typeof image !== 'string') return false;
  if (DIGEST.test(image)) return REPOSITORY.test(image.replace(DIGEST, '').replace(TAG, ''));
  const tag = TAG.exec(image);
  if (!tag || tag[1] === 'latest') return false;
  const repo = image.slice(0, image.length - tag[0].length);
  return REPOSITORY.test(repo);
}

/** The allowed-values text for {@link isPinnedImage}. */
export const IMAGE_ALLOWED = "an image reference with an explicit tag other than 'latest' (e.g. \"registry.example.com/app:1.4.2\") or a sha256 digest";

/** A C identifier, the portable shape of an environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export { CREDENTIAL_NAME } from '../validate/annotations';

/** Label keys and values as Kubernetes accepts them. */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
export const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
