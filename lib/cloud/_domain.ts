/** A lower-case fully qualified domain name without a trailing dot. */
export const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The allowed-values text for {@link DOMAIN_NAME}. */
export const DOMAIN_ALLOWED = 'a lower-case fully qualified domain name such as "app.example.com" (no trailing dot)';
