-- puckdb down migration 0001_init
-- Created 2026-11-25 10:39 UTC by puckdb 0.1.0.
-- Transaction: yes (the whole migration commits or nothing does).
-- Hazards:
--   data-loss: drops table card_entry_daily_stats and all its rows
--   backward-incompatible: code that uses table card_entry_daily_stats breaks
--   data-loss: drops table card_groups and all its rows
--   backward-incompatible: code that uses table card_groups breaks
--   data-loss: drops table card_review_daily_stats and all its rows
--   backward-incompatible: code that uses table card_review_daily_stats breaks
--   data-loss: drops table card_review_events and all its rows
--   backward-incompatible: code that uses table card_review_events breaks
--   data-loss: drops table card_review_srs and all its rows
--   backward-incompatible: code that uses table card_review_srs breaks
--   data-loss: drops table cards and all its rows
--   backward-incompatible: code that uses table cards breaks
--   data-loss: drops table groups and all its rows
--   backward-incompatible: code that uses table groups breaks
--   data-loss: drops table inbox_notes and all its rows
--   backward-incompatible: code that uses table inbox_notes breaks
--   data-loss: drops table note_card_links and all its rows
--   backward-incompatible: code that uses table note_card_links breaks
--   data-loss: drops table study_languages and all its rows
--   backward-incompatible: code that uses table study_languages breaks
--   data-loss: drops table translation_drill_context and all its rows
--   backward-incompatible: code that uses table translation_drill_context breaks
--   data-loss: drops table translation_drill_daily_stats and all its rows
--   backward-incompatible: code that uses table translation_drill_daily_stats breaks
--   data-loss: drops table translation_drill_draw_piles and all its rows
--   backward-incompatible: code that uses table translation_drill_draw_piles breaks
--   data-loss: drops table translation_drill_srs and all its rows
--   backward-incompatible: code that uses table translation_drill_srs breaks
--   data-loss: drops table users and all its rows
--   backward-incompatible: code that uses table users breaks

DROP VIEW "public"."translation_active_cards";

DROP VIEW "public"."card_review_due";

ALTER TABLE "public"."card_entry_daily_stats" DROP CONSTRAINT "card_entry_daily_stats_study_languages_fkey";

ALTER TABLE "public"."card_groups" DROP CONSTRAINT "card_groups_cards_fkey";

ALTER TABLE "public"."card_groups" DROP CONSTRAINT "card_groups_groups_fkey";

ALTER TABLE "public"."card_groups" DROP CONSTRAINT "card_groups_study_languages_fkey";

ALTER TABLE "public"."card_review_daily_stats" DROP CONSTRAINT "card_review_daily_stats_study_languages_fkey";

ALTER TABLE "public"."card_review_events" DROP CONSTRAINT "card_review_events_cards_fkey";

ALTER TABLE "public"."card_review_events" DROP CONSTRAINT "card_review_events_study_languages_fkey";

ALTER TABLE "public"."card_review_srs" DROP CONSTRAINT "card_review_srs_cards_fkey";

ALTER TABLE "public"."card_review_srs" DROP CONSTRAINT "card_review_srs_study_languages_fkey";

ALTER TABLE "public"."cards" DROP CONSTRAINT "cards_study_languages_fkey";

ALTER TABLE "public"."groups" DROP CONSTRAINT "groups_study_languages_fkey";

ALTER TABLE "public"."inbox_notes" DROP CONSTRAINT "inbox_notes_study_languages_fkey";

ALTER TABLE "public"."note_card_links" DROP CONSTRAINT "note_card_links_cards_fkey";

ALTER TABLE "public"."note_card_links" DROP CONSTRAINT "note_card_links_inbox_notes_fkey";

ALTER TABLE "public"."note_card_links" DROP CONSTRAINT "note_card_links_study_languages_fkey";

ALTER TABLE "public"."study_languages" DROP CONSTRAINT "study_languages_users_fkey";

ALTER TABLE "public"."translation_drill_context" DROP CONSTRAINT "translation_drill_context_cards_fkey";

ALTER TABLE "public"."translation_drill_context" DROP CONSTRAINT "translation_drill_context_study_languages_fkey";

ALTER TABLE "public"."translation_drill_daily_stats" DROP CONSTRAINT "translation_drill_daily_stats_study_languages_fkey";

ALTER TABLE "public"."translation_drill_draw_piles" DROP CONSTRAINT "translation_drill_draw_piles_study_languages_fkey";

ALTER TABLE "public"."translation_drill_srs" DROP CONSTRAINT "translation_drill_srs_cards_fkey";

ALTER TABLE "public"."translation_drill_srs" DROP CONSTRAINT "translation_drill_srs_study_languages_fkey";

-- data-loss: drops table card_entry_daily_stats and all its rows
-- backward-incompatible: code that uses table card_entry_daily_stats breaks
DROP TABLE "public"."card_entry_daily_stats";

-- data-loss: drops table card_groups and all its rows
-- backward-incompatible: code that uses table card_groups breaks
DROP TABLE "public"."card_groups";

-- data-loss: drops table card_review_daily_stats and all its rows
-- backward-incompatible: code that uses table card_review_daily_stats breaks
DROP TABLE "public"."card_review_daily_stats";

-- data-loss: drops table card_review_events and all its rows
-- backward-incompatible: code that uses table card_review_events breaks
DROP TABLE "public"."card_review_events";

-- data-loss: drops table card_review_srs and all its rows
-- backward-incompatible: code that uses table card_review_srs breaks
DROP TABLE "public"."card_review_srs";

-- data-loss: drops table cards and all its rows
-- backward-incompatible: code that uses table cards breaks
DROP TABLE "public"."cards";

-- data-loss: drops table groups and all its rows
-- backward-incompatible: code that uses table groups breaks
DROP TABLE "public"."groups";

-- data-loss: drops table inbox_notes and all its rows
-- backward-incompatible: code that uses table inbox_notes breaks
DROP TABLE "public"."inbox_notes";

-- data-loss: drops table note_card_links and all its rows
-- backward-incompatible: code that uses table note_card_links breaks
DROP TABLE "public"."note_card_links";

-- data-loss: drops table study_languages and all its rows
-- backward-incompatible: code that uses table study_languages breaks
DROP TABLE "public"."study_languages";

-- data-loss: drops table translation_drill_context and all its rows
-- backward-incompatible: code that uses table translation_drill_context breaks
DROP TABLE "public"."translation_drill_context";

-- data-loss: drops table translation_drill_daily_stats and all its rows
-- backward-incompatible: code that uses table translation_drill_daily_stats breaks
DROP TABLE "public"."translation_drill_daily_stats";

-- data-loss: drops table translation_drill_draw_piles and all its rows
-- backward-incompatible: code that uses table translation_drill_draw_piles breaks
DROP TABLE "public"."translation_drill_draw_piles";

-- data-loss: drops table translation_drill_srs and all its rows
-- backward-incompatible: code that uses table translation_drill_srs breaks
DROP TABLE "public"."translation_drill_srs";

-- data-loss: drops table users and all its rows
-- backward-incompatible: code that uses table users breaks
DROP TABLE "public"."users";

DROP EXTENSION "vector";
