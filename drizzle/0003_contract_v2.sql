-- Contract v2 (docs/contract.md "v2: what changed for readers"): match_results stores
-- no rank. A list's order is (total_score DESC, the other side's id ASC), served by
-- the two indexes below, so an incremental run deletes and inserts only the rows
-- that change and never rewrites a neighbour. A v1 reader selecting `rank` fails.
-- Each index is dropped and re-added in one ALTER: it backs a foreign key, which
-- MySQL 8 does not let a table lose even for a moment. The previous set (rollback's
-- target) still has v1's shape, so it is dropped: rollback across this migration is
-- not possible; the published set stays as it is.
DROP TABLE IF EXISTS `match_results_previous`, `match_lists_previous`, `match_published_previous`;
--> statement-breakpoint
ALTER TABLE `match_results`
  DROP INDEX `ix_match_results_talent`,
  ADD INDEX `ix_match_results_talent` (`talent_user_id`, `direction`, `total_score` DESC, `job_posting_id`),
  DROP INDEX `ix_match_results_job`,
  ADD INDEX `ix_match_results_job` (`job_posting_id`, `direction`, `total_score` DESC, `talent_user_id`),
  DROP COLUMN `rank`;
