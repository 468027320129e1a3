-- Distributed workers claim the first queued rows of a queue in priority, then queue-time order
-- (JdbcWorkerStore.claimSql). The index of V80 stopped at priority_weight, so every claim read and
-- sorted all queued rows of the queue to find the first few: about 4 ms of PostgreSQL CPU per
-- claim with 1,000 rows queued (bench distributed, pg_stat_statements). In claim order the claim
-- reads only the rows it takes (plus those claimed by a worker and not started yet).
--
-- task_instance_state_idx goes: the claim index starts with state and serves every lookup by
-- state, and each index of task_instance costs every state change an index entry (a change of
-- state is never a heap-only update).
DROP INDEX task_instance_claim_idx;
DROP INDEX task_instance_state_idx;
CREATE INDEX task_instance_claim_idx ON task_instance (state, queue, priority_weight DESC, queued_at);
