-- What the DAG table reflects, per dags_folder: a fingerprint of the folder as last synced (every
-- file's path and content hash, the parser build, load_examples, max_dag_file_bytes). A short
-- command (`dags list`, `dags trigger` ...) whose folder has the same fingerprint takes the DAGs
-- and import errors from the database instead of parsing every file again (DagSync.syncOrReuse).
-- Keyed by the SHA-256 of the folder's path: processes on machines with folders of their own keep
-- rows of their own.
CREATE TABLE dag_folder_sync (
    folder_key   VARCHAR(64) PRIMARY KEY,
    dags_folder  VARCHAR(2000) NOT NULL,
    fingerprint  VARCHAR(64) NOT NULL,
    synced_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
