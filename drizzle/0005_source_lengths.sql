CREATE TABLE `matching_vector_lengths` (
	`row_id` bigint NOT NULL,
	`source_updated_at` datetime NOT NULL,
	`len_roles` int unsigned,
	`len_skills` int unsigned,
	`len_growth` int unsigned,
	`len_career` int unsigned,
	`len_vision` int unsigned,
	`len_culture` int unsigned,
	CONSTRAINT `matching_vector_lengths_row_id` PRIMARY KEY(`row_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
