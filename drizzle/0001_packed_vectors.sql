-- Packs the six per-facet blobs of each embedding row into one `vectors` blob
-- (src/vectors/packedVectors.ts): one off-page chain per row instead of six.
-- Existing rows are converted in place; the hash matches packVectors()'s.
ALTER TABLE `talent_embeddings` ADD `vectors` mediumblob, ADD `facet_mask` tinyint unsigned NOT NULL DEFAULT 0, ADD `facet_dims` varchar(64) NOT NULL DEFAULT '', ADD `vectors_hash` char(16)
--> statement-breakpoint
UPDATE `talent_embeddings` SET `vectors` = CONCAT(COALESCE(`vec_roles`, ''), COALESCE(`vec_skills`, ''), COALESCE(`vec_growth`, ''), COALESCE(`vec_career`, ''), COALESCE(`vec_vision`, ''), COALESCE(`vec_culture`, '')), `facet_mask` = (COALESCE(LENGTH(`vec_roles`), 0) > 0) << 0 | (COALESCE(LENGTH(`vec_skills`), 0) > 0) << 1 | (COALESCE(LENGTH(`vec_growth`), 0) > 0) << 2 | (COALESCE(LENGTH(`vec_career`), 0) > 0) << 3 | (COALESCE(LENGTH(`vec_vision`), 0) > 0) << 4 | (COALESCE(LENGTH(`vec_culture`), 0) > 0) << 5, `facet_dims` = CONCAT_WS(',', COALESCE(LENGTH(`vec_roles`), 0) DIV 4, COALESCE(LENGTH(`vec_skills`), 0) DIV 4, COALESCE(LENGTH(`vec_growth`), 0) DIV 4, COALESCE(LENGTH(`vec_career`), 0) DIV 4, COALESCE(LENGTH(`vec_vision`), 0) DIV 4, COALESCE(LENGTH(`vec_culture`), 0) DIV 4)
--> statement-breakpoint
UPDATE `talent_embeddings` SET `vectors_hash` = LEFT(SHA2(CONCAT(`facet_dims`, CHAR(10), `vectors`), 256), 16)
--> statement-breakpoint
ALTER TABLE `talent_embeddings` DROP COLUMN `vec_roles`, DROP COLUMN `vec_skills`, DROP COLUMN `vec_growth`, DROP COLUMN `vec_career`, DROP COLUMN `vec_vision`, DROP COLUMN `vec_culture`, MODIFY `vectors` mediumblob NOT NULL, MODIFY `facet_mask` tinyint unsigned NOT NULL, MODIFY `facet_dims` varchar(64) NOT NULL, MODIFY `vectors_hash` char(16) NOT NULL
--> statement-breakpoint
ALTER TABLE `job_embeddings` ADD `vectors` mediumblob, ADD `facet_mask` tinyint unsigned NOT NULL DEFAULT 0, ADD `facet_dims` varchar(64) NOT NULL DEFAULT '', ADD `vectors_hash` char(16)
--> statement-breakpoint
UPDATE `job_embeddings` SET `vectors` = CONCAT(COALESCE(`vec_roles`, ''), COALESCE(`vec_skills`, ''), COALESCE(`vec_growth`, ''), COALESCE(`vec_career`, ''), COALESCE(`vec_vision`, ''), COALESCE(`vec_culture`, '')), `facet_mask` = (COALESCE(LENGTH(`vec_roles`), 0) > 0) << 0 | (COALESCE(LENGTH(`vec_skills`), 0) > 0) << 1 | (COALESCE(LENGTH(`vec_growth`), 0) > 0) << 2 | (COALESCE(LENGTH(`vec_career`), 0) > 0) << 3 | (COALESCE(LENGTH(`vec_vision`), 0) > 0) << 4 | (COALESCE(LENGTH(`vec_culture`), 0) > 0) << 5, `facet_dims` = CONCAT_WS(',', COALESCE(LENGTH(`vec_roles`), 0) DIV 4, COALESCE(LENGTH(`vec_skills`), 0) DIV 4, COALESCE(LENGTH(`vec_growth`), 0) DIV 4, COALESCE(LENGTH(`vec_career`), 0) DIV 4, COALESCE(LENGTH(`vec_vision`), 0) DIV 4, COALESCE(LENGTH(`vec_culture`), 0) DIV 4)
--> statement-breakpoint
UPDATE `job_embeddings` SET `vectors_hash` = LEFT(SHA2(CONCAT(`facet_dims`, CHAR(10), `vectors`), 256), 16)
--> statement-breakpoint
ALTER TABLE `job_embeddings` DROP COLUMN `vec_roles`, DROP COLUMN `vec_skills`, DROP COLUMN `vec_growth`, DROP COLUMN `vec_career`, DROP COLUMN `vec_vision`, DROP COLUMN `vec_culture`, MODIFY `vectors` mediumblob NOT NULL, MODIFY `facet_mask` tinyint unsigned NOT NULL, MODIFY `facet_dims` varchar(64) NOT NULL, MODIFY `vectors_hash` char(16) NOT NULL;
