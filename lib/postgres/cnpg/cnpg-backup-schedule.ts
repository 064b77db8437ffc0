/**
 * Backup schedules and retention policies as CloudNativePG reads them. Pure functions, tested with a cron parser.
 */

/** The hours a backup interval may have: those that divide a day, so the runs stay evenly spaced across midnight. */
export const BACKUP_INTERVAL_HOURS: readonly number[] = [1, 2, 3, 4, 6, 8, 12, 24];

/** The allowed-values text for a backup interval. */
export const BACKUP_INTERVAL_ALLOWED = `one of ${BACKUP_INTERVAL_HOURS.join(', ')} (hours that divide a day, so backups stay evenly spaced across midnight)`;

/**
 * The pattern of `retentionPolicy` in the Barman Cloud `ObjectStore` CRD (and the in-tree `backup.retentionPolicy`):
 * days, weeks or months. There is no unit for years: 7 years is `84m`.
 */
export const RETENTION_POLICY = /^[1-9][0-9]*[dwm]$/;

/** The allowed-values text for a retention policy. */
export const RETENTION_POLICY_ALLOWED = 'a retention of days, weeks or months matching ^[1-9][0-9]*[dwm]$ such as "90d", "4w" or "84m" (the CRD has no unit for years: 7 years is "84m")';

/**
 * The six-field schedule (seconds first) of a `ScheduledBackup` that runs every `intervalHours` hours, on the hour,
 * from midnight UTC: for 6 hours, seconds 0, minute 0, every 6th hour (`0 0 STAR/6 * * *`, STAR being `*`).
 * CloudNativePG's cron reads the first field as seconds, so the familiar five-field form of the same schedule would
 * be read as "at second 0 of every 6th minute": always render schedules here.
 *
 * @param intervalHours one of {@link BACKUP_INTERVAL_HOURS}
 * @throws RangeError for any other interval
 * @see https://cloudnative-pg.io/documentation/1.27/backup/#scheduled-backups
 */
export function cnpgBackupSchedule(intervalHours: number): string {
  if (!BACKUP_INTERVAL_HOURS.includes(intervalHours)) {
    throw new RangeError(`backup interval must be ${BACKUP_INTERVAL_ALLOWED}, got: ${intervalHours}`);
  }
  if (intervalHours === 1) return '0 0 * * * *';
  if (intervalHours === 24) return '0 0 0 * * *';
  return `0 0 */${intervalHours} * * *`;
}
