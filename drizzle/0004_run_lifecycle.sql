-- The run lifecycle (docs/operations.md "Run lifecycle"): a run's kind (full,
-- incremental, backfill) and base_run_id replace params.incrementalOf; the
-- snapshot time orders publishes (a run never publishes over a newer set); run
-- keys compare byte for byte. Existing rows are converted: match runs with
-- params.incrementalOf become incremental runs on that base (params.baseRunId,
-- the full run their lists descend from, becomes params.fullRunId), the others
-- full runs; their snapshot time is taken as their start.
ALTER TABLE `match_runs` MODIFY COLUMN `kind` enum('match','backfill','full','incremental') NOT NULL;--> statement-breakpoint
ALTER TABLE `match_runs` ADD `base_run_id` bigint;--> statement-breakpoint
ALTER TABLE `match_runs` ADD `snapshot_at` datetime(6);--> statement-breakpoint
UPDATE `match_runs` SET `kind` = 'incremental', `base_run_id` = JSON_EXTRACT(`params`, '$.incrementalOf') + 0,
  `params` = JSON_SET(JSON_REMOVE(`params`, '$.incrementalOf', '$.baseRunId'), '$.fullRunId', JSON_EXTRACT(`params`, '$.baseRunId') + 0)
  WHERE `kind` = 'match' AND JSON_EXTRACT(`params`, '$.incrementalOf') IS NOT NULL;--> statement-breakpoint
UPDATE `match_runs` SET `kind` = 'full' WHERE `kind` = 'match';--> statement-breakpoint
UPDATE `match_runs` SET `snapshot_at` = `started_at` WHERE `kind` <> 'backfill';--> statement-breakpoint
ALTER TABLE `match_runs` MODIFY COLUMN `kind` enum('full','incremental','backfill') NOT NULL;--> statement-breakpoint
ALTER TABLE `match_runs` MODIFY COLUMN `run_key` varbinary(191);
