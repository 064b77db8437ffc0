// PostgreSQL: the postgresql.conf, script and PgBouncer generators and the PostgresReplicated construct.
export * from './postgres-conf';
export * from './postgres-props';
export * from './postgres-scripts';
export * from './pgbouncer';
export * from './statefulset/postgres-replicated-props';
export * from './statefulset/postgres-replicated';
export { ResolvedPostgresConfig, resolvePostgresProps } from './postgres-resolve';
export * from './cnpg/postgres-cluster';
export * from './cnpg/postgres-cluster-endpoints';
export * from './cnpg/cnpg-parameters';
export * from './cnpg/cnpg-backup-schedule';
