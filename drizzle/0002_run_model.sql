-- The run model (docs/operations.md): blocks, durable staging, the published state
-- and exact lists for incremental runs. An existing publication is recorded in
-- match_published with reserve -1 (no exact lists yet): the first incremental run
-- after this migration falls back to a full run. Staging tables of the previous
-- version's runs (match_results_next) are dropped: runs now stage per run id.
CREATE TABLE `match_lists` (
	`direction` enum('talent_to_job','job_to_talent') NOT NULL,
	`subject_id` bigint NOT NULL,
	`entries` mediumblob NOT NULL,
	CONSTRAINT `match_lists_pk` PRIMARY KEY(`direction`,`subject_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
--> statement-breakpoint
CREATE TABLE `match_published` (
	`id` tinyint NOT NULL,
	`run_id` bigint NOT NULL,
	`base_run_id` bigint NOT NULL,
	`published_at` datetime(3) NOT NULL,
	`top_k` int NOT NULL,
	`reserve` int NOT NULL,
	`weight_roles` double NOT NULL,
	`weight_skills` double NOT NULL,
	`weight_growth` double NOT NULL,
	`weight_career` double NOT NULL,
	`weight_vision` double NOT NULL,
	`weight_culture` double NOT NULL,
	CONSTRAINT `match_published_id` PRIMARY KEY(`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
--> statement-breakpoint
CREATE TABLE `match_run_blocks` (
	`run_id` bigint NOT NULL,
	`block_no` int NOT NULL,
	`shard` int NOT NULL,
	`first_pos` int NOT NULL,
	`end_pos` int NOT NULL,
	`state` enum('pending','done') NOT NULL,
	`rows_written` int,
	`stats` json,
	`host` varchar(255),
	`pid` int,
	`compute_ms` int,
	`finished_at` datetime(3),
	CONSTRAINT `match_run_blocks_pk` PRIMARY KEY(`run_id`,`block_no`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
--> statement-breakpoint
CREATE TABLE `match_run_parts` (
	`run_id` bigint NOT NULL,
	`kind` varchar(32) NOT NULL,
	`block_no` int NOT NULL,
	`seq` int NOT NULL,
	`data` longblob NOT NULL,
	CONSTRAINT `match_run_parts_pk` PRIMARY KEY(`run_id`,`kind`,`block_no`,`seq`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
--> statement-breakpoint
ALTER TABLE `match_runs` MODIFY COLUMN `status` enum('preparing','running','succeeded','failed','interrupted','rolled_back','abandoned') NOT NULL
--> statement-breakpoint
ALTER TABLE `match_runs` ADD `run_key` varchar(191)
--> statement-breakpoint
ALTER TABLE `match_runs` ADD `shards` int
--> statement-breakpoint
ALTER TABLE `match_runs` ADD CONSTRAINT `ux_match_runs_run_key` UNIQUE(`run_key`)
--> statement-breakpoint
CREATE INDEX `ix_match_run_blocks_shard` ON `match_run_blocks` (`run_id`,`shard`,`state`)
--> statement-breakpoint
DROP TABLE IF EXISTS `match_results_next`, `match_results_retired`, `match_results_swap`
--> statement-breakpoint
INSERT INTO `match_published` (`id`, `run_id`, `base_run_id`, `published_at`, `top_k`, `reserve`, `weight_roles`, `weight_skills`, `weight_growth`, `weight_career`, `weight_vision`, `weight_culture`)
SELECT 1, r.`id`, r.`id`, COALESCE(r.`finished_at`, r.`started_at`), JSON_EXTRACT(r.`params`, '$.topK') + 0, -1, JSON_EXTRACT(r.params, '$.weights[0]') + 0, JSON_EXTRACT(r.params, '$.weights[1]') + 0, JSON_EXTRACT(r.params, '$.weights[2]') + 0, JSON_EXTRACT(r.params, '$.weights[3]') + 0, JSON_EXTRACT(r.params, '$.weights[4]') + 0, JSON_EXTRACT(r.params, '$.weights[5]') + 0
  FROM `match_runs` r WHERE r.`id` = (SELECT MAX(`run_id`) FROM `match_results`);
