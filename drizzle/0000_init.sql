CREATE TABLE `job_embeddings` (
	`job_posting_id` bigint NOT NULL,
	`vec_roles` mediumblob,
	`vec_skills` mediumblob,
	`vec_growth` mediumblob,
	`vec_career` mediumblob,
	`vec_vision` mediumblob,
	`vec_culture` mediumblob,
	`hash_roles` varchar(64),
	`hash_skills` varchar(64),
	`hash_growth` varchar(64),
	`hash_career` varchar(64),
	`hash_vision` varchar(64),
	`hash_culture` varchar(64),
	`model` varchar(128) NOT NULL,
	`source` enum('matching_vectors','text') NOT NULL,
	`source_row_id` bigint,
	`source_updated_at` datetime,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `job_embeddings_job_posting_id` PRIMARY KEY(`job_posting_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
--> statement-breakpoint
CREATE TABLE `talent_embeddings` (
	`talent_user_id` bigint NOT NULL,
	`vec_roles` mediumblob,
	`vec_skills` mediumblob,
	`vec_growth` mediumblob,
	`vec_career` mediumblob,
	`vec_vision` mediumblob,
	`vec_culture` mediumblob,
	`hash_roles` varchar(64),
	`hash_skills` varchar(64),
	`hash_growth` varchar(64),
	`hash_career` varchar(64),
	`hash_vision` varchar(64),
	`hash_culture` varchar(64),
	`model` varchar(128) NOT NULL,
	`source` enum('matching_vectors','text') NOT NULL,
	`source_row_id` bigint,
	`source_updated_at` datetime,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `talent_embeddings_talent_user_id` PRIMARY KEY(`talent_user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
--> statement-breakpoint
CREATE TABLE `match_results` (
	`direction` enum('talent_to_job','job_to_talent') NOT NULL,
	`talent_user_id` bigint NOT NULL,
	`job_posting_id` bigint NOT NULL,
	`rank` int NOT NULL,
	`total_score` decimal(5,2) NOT NULL,
	`score_roles` decimal(5,2),
	`score_skills` decimal(5,2),
	`score_growth` decimal(5,2),
	`score_career` decimal(5,2),
	`score_vision` decimal(5,2),
	`score_culture` decimal(5,2),
	`run_id` bigint NOT NULL,
	`computed_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT `match_results_pk` PRIMARY KEY(`direction`,`talent_user_id`,`job_posting_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
--> statement-breakpoint
CREATE TABLE `match_runs` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`kind` enum('match','backfill') NOT NULL,
	`status` enum('running','succeeded','failed','interrupted','rolled_back') NOT NULL,
	`params` json,
	`counts` json,
	`timings` json,
	`error` text,
	`host` varchar(255),
	`pid` int,
	`started_at` datetime(3) NOT NULL,
	`finished_at` datetime(3),
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `match_runs_id` PRIMARY KEY(`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
--> statement-breakpoint
CREATE INDEX `ix_match_results_talent` ON `match_results` (`talent_user_id`,`direction`,`rank`);
--> statement-breakpoint
CREATE INDEX `ix_match_results_job` ON `match_results` (`job_posting_id`,`direction`,`rank`);
--> statement-breakpoint
CREATE INDEX `ix_match_runs_kind_status` ON `match_runs` (`kind`,`status`,`id`);
--> statement-breakpoint
ALTER TABLE `job_embeddings` ADD CONSTRAINT `job_embeddings_job_posting_id_job_postings_id_fk` FOREIGN KEY (`job_posting_id`) REFERENCES `job_postings`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `talent_embeddings` ADD CONSTRAINT `talent_embeddings_talent_user_id_talent_profiles_user_id_fk` FOREIGN KEY (`talent_user_id`) REFERENCES `talent_profiles`(`user_id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `match_results` ADD CONSTRAINT `match_results_talent_user_id_users_id_fk` FOREIGN KEY (`talent_user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `match_results` ADD CONSTRAINT `match_results_job_posting_id_job_postings_id_fk` FOREIGN KEY (`job_posting_id`) REFERENCES `job_postings`(`id`) ON DELETE cascade ON UPDATE no action;
