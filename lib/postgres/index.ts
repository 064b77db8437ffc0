// PostgreSQL: the postgresql.conf, script and PgBouncer generators and the PostgresReplicated construct.
export * from './postgres-conf';
export * from './postgres-props';
export * from './postgres-scripts';
export * from './pgbouncer';
export * from './postgres-replicated-props';
export * from './postgres-replicated';
export { ResolvedPostgresConfig, resolvePostgresProps } from './postgres-resolve';
export * from './postgres-cluster';
export * from './postgres-cluster-endpoints';
export * from './cnpg-parameters';
export * from './cnpg-backup-schedule';
