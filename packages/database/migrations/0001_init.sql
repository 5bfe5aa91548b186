-- puckdb migration 0001_init
-- Created 2026-11-25 10:39 UTC by puckdb 0.1.0.
-- Transaction: yes (the whole migration commits or nothing does).
-- Hazards: none

CREATE EXTENSION IF NOT EXISTS "vector" WITH SCHEMA "public";

CREATE TABLE "public"."card_entry_daily_stats" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "date" text NOT NULL,
    "cards_created" integer DEFAULT 0,
    "cards_edited" integer DEFAULT 0,
    "cards_deleted" integer DEFAULT 0,
    "notes_created" integer DEFAULT 0,
    "notes_processed" integer DEFAULT 0,
    "cards_from_notes" integer DEFAULT 0,
    "ai_generations" integer DEFAULT 0,
    CONSTRAINT "card_entry_daily_stats_pkey" PRIMARY KEY ("user_id", "language_id", "date")
);

CREATE TABLE "public"."card_groups" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "card_id" text NOT NULL,
    "group_id" text NOT NULL,
    "assigned_at" timestamp with time zone DEFAULT now(),
    CONSTRAINT "card_groups_pkey" PRIMARY KEY ("user_id", "language_id", "card_id", "group_id")
);

CREATE TABLE "public"."card_review_daily_stats" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "date" text NOT NULL,
    "reviews" integer DEFAULT 0,
    "again_count" integer DEFAULT 0,
    "hard_count" integer DEFAULT 0,
    "good_count" integer DEFAULT 0,
    "easy_count" integer DEFAULT 0,
    "new_cards" integer DEFAULT 0,
    "lapses" integer DEFAULT 0,
    "time_spent_seconds" integer DEFAULT 0,
    CONSTRAINT "card_review_daily_stats_pkey" PRIMARY KEY ("user_id", "language_id", "date")
);

CREATE TABLE "public"."card_review_events" (
    "event_id" text NOT NULL,
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "card_id" text NOT NULL,
    "event_type" text NOT NULL,
    "rating" integer,
    "previous_state" text,
    "next_state" text,
    "previous_interval_days" integer,
    "next_interval_days" integer,
    "previous_due" integer,
    "next_due" integer,
    "occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
    "metadata" jsonb,
    CONSTRAINT "card_review_events_pkey" PRIMARY KEY ("event_id")
);

CREATE TABLE "public"."card_review_srs" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "card_id" text NOT NULL,
    "next_due" integer DEFAULT 0 NOT NULL,
    "interval_days" integer DEFAULT 1,
    "ease_factor" real DEFAULT 2.5,
    "review_count" integer DEFAULT 0,
    "last_reviewed" integer,
    "state" text DEFAULT 'active'::text NOT NULL,
    "snoozed_until" timestamp with time zone,
    "metadata" jsonb,
    CONSTRAINT "card_review_srs_pkey" PRIMARY KEY ("user_id", "language_id", "card_id")
);

CREATE TABLE "public"."cards" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "card_id" text NOT NULL,
    "content" text NOT NULL,
    "status" text DEFAULT 'active'::text,
    "card_type" text DEFAULT 'word'::text,
    "part_of_speech" text,
    "meaning" text,
    "examples" jsonb,
    "mnemonics" jsonb,
    "llm_instructions" text,
    "embedding" vector(768),
    "embedding_model" text,
    "embedding_generated_at" timestamp with time zone,
    "created_at" timestamp with time zone DEFAULT now(),
    "updated_at" timestamp with time zone DEFAULT now(),
    "deleted_at" timestamp with time zone,
    "metadata" jsonb,
    CONSTRAINT "cards_pkey" PRIMARY KEY ("user_id", "language_id", "card_id")
);

CREATE TABLE "public"."groups" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "group_id" text NOT NULL,
    "group_name" text NOT NULL,
    "description" text,
    "embedding" vector(768),
    "embedding_model" text,
    "embedding_generated_at" timestamp with time zone,
    "created_at" timestamp with time zone DEFAULT now(),
    "metadata" jsonb,
    CONSTRAINT "groups_pkey" PRIMARY KEY ("user_id", "language_id", "group_id")
);

CREATE TABLE "public"."inbox_notes" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "note_id" text NOT NULL,
    "content" text NOT NULL,
    "state" text DEFAULT 'unprocessed'::text,
    "ai_state" text DEFAULT 'complete'::text,
    "source_type" text DEFAULT 'manual'::text,
    "source_metadata" jsonb,
    "created_at" timestamp with time zone DEFAULT now(),
    CONSTRAINT "inbox_notes_pkey" PRIMARY KEY ("user_id", "language_id", "note_id")
);

CREATE TABLE "public"."note_card_links" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "note_id" text NOT NULL,
    "card_id" text NOT NULL,
    "created_at" timestamp with time zone DEFAULT now(),
    CONSTRAINT "note_card_links_pkey" PRIMARY KEY ("user_id", "language_id", "note_id", "card_id")
);

CREATE TABLE "public"."study_languages" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "language_name" text NOT NULL,
    "is_active" boolean DEFAULT true,
    "cefr_level" text DEFAULT 'A1'::text,
    "created_at" timestamp with time zone DEFAULT now(),
    "settings" jsonb,
    CONSTRAINT "study_languages_pkey" PRIMARY KEY ("user_id", "language_id")
);

CREATE TABLE "public"."translation_drill_context" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "context_id" text NOT NULL,
    "card_id" text NOT NULL,
    "source_sentence" text NOT NULL,
    "target_sentence" text,
    "state" text DEFAULT 'active'::text NOT NULL,
    "generated_by" text,
    "created_at" timestamp with time zone DEFAULT now(),
    "metadata" jsonb,
    CONSTRAINT "translation_drill_context_pkey" PRIMARY KEY ("user_id", "language_id", "context_id")
);

CREATE TABLE "public"."translation_drill_daily_stats" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "date" text NOT NULL,
    "drills" integer DEFAULT 0,
    "correct" integer DEFAULT 0,
    "partially_correct" integer DEFAULT 0,
    "incorrect" integer DEFAULT 0,
    "skipped" integer DEFAULT 0,
    "time_spent_seconds" integer DEFAULT 0,
    CONSTRAINT "translation_drill_daily_stats_pkey" PRIMARY KEY ("user_id", "language_id", "date")
);

CREATE TABLE "public"."translation_drill_draw_piles" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "pile_name" text NOT NULL,
    "card_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
    "position" integer DEFAULT 0 NOT NULL,
    "refilled_at" timestamp with time zone,
    "created_at" timestamp with time zone DEFAULT now(),
    CONSTRAINT "translation_drill_draw_piles_pkey" PRIMARY KEY ("user_id", "language_id", "pile_name")
);

CREATE TABLE "public"."translation_drill_srs" (
    "user_id" text NOT NULL,
    "language_id" text NOT NULL,
    "card_id" text NOT NULL,
    "next_due" integer DEFAULT 0 NOT NULL,
    "interval_days" integer DEFAULT 1 NOT NULL,
    "ease_factor" real DEFAULT 2.5 NOT NULL,
    "drill_count" integer DEFAULT 0 NOT NULL,
    "last_drilled" integer,
    "state" text DEFAULT 'active'::text NOT NULL,
    "metadata" jsonb,
    CONSTRAINT "translation_drill_srs_pkey" PRIMARY KEY ("user_id", "language_id", "card_id")
);

CREATE TABLE "public"."users" (
    "user_id" text NOT NULL,
    "email" text NOT NULL,
    "name" text,
    "picture_url" text,
    "last_login_at" timestamp with time zone,
    "created_at" timestamp with time zone DEFAULT now(),
    "metadata" jsonb,
    CONSTRAINT "users_pkey" PRIMARY KEY ("user_id"),
    CONSTRAINT "users_email_key" UNIQUE ("email")
);

CREATE INDEX card_groups_card_idx ON public.card_groups USING btree (user_id, language_id, card_id);

CREATE INDEX card_groups_group_idx ON public.card_groups USING btree (user_id, language_id, group_id);

CREATE INDEX card_review_events_timeline_idx ON public.card_review_events USING btree (user_id, language_id, occurred_at);

CREATE INDEX card_review_events_type_idx ON public.card_review_events USING btree (user_id, language_id, event_type, occurred_at);

CREATE INDEX card_review_srs_due_idx ON public.card_review_srs USING btree (user_id, language_id, next_due);

CREATE INDEX card_review_srs_interval_idx ON public.card_review_srs USING btree (user_id, language_id, interval_days);

CREATE INDEX card_review_srs_state_idx ON public.card_review_srs USING btree (user_id, language_id, state);

CREATE INDEX cards_embedding_hnsw_idx ON public.cards USING hnsw (embedding vector_cosine_ops);

CREATE INDEX cards_live_type_idx ON public.cards USING btree (user_id, language_id, card_type) WHERE (deleted_at IS NULL);

CREATE INDEX cards_live_updated_idx ON public.cards USING btree (user_id, language_id, updated_at) WHERE (deleted_at IS NULL);

CREATE INDEX cards_search_english_idx ON public.cards USING gin (to_tsvector('english'::regconfig, ((((((content || ' '::text) || COALESCE(meaning, ''::text)) || ' '::text) || COALESCE((examples)::text, ''::text)) || ' '::text) || COALESCE((mnemonics)::text, ''::text))));

CREATE INDEX cards_search_simple_idx ON public.cards USING gin (to_tsvector('simple'::regconfig, ((((((content || ' '::text) || COALESCE(meaning, ''::text)) || ' '::text) || COALESCE((examples)::text, ''::text)) || ' '::text) || COALESCE((mnemonics)::text, ''::text))));

CREATE INDEX cards_user_lang_status_type_idx ON public.cards USING btree (user_id, language_id, status, card_type);

CREATE INDEX cards_user_lang_status_updated_idx ON public.cards USING btree (user_id, language_id, status, updated_at);

CREATE INDEX groups_embedding_hnsw_idx ON public.groups USING hnsw (embedding vector_cosine_ops);

CREATE INDEX inbox_notes_ai_state_idx ON public.inbox_notes USING btree (user_id, language_id, ai_state, created_at);

CREATE INDEX inbox_notes_source_type_idx ON public.inbox_notes USING btree (user_id, language_id, source_type, created_at);

CREATE INDEX inbox_notes_state_idx ON public.inbox_notes USING btree (user_id, language_id, state, created_at);

CREATE INDEX note_card_links_card_idx ON public.note_card_links USING btree (user_id, language_id, card_id);

CREATE INDEX note_card_links_note_idx ON public.note_card_links USING btree (user_id, language_id, note_id);

CREATE INDEX translation_drill_context_card_idx ON public.translation_drill_context USING btree (user_id, language_id, card_id);

CREATE INDEX translation_drill_context_state_idx ON public.translation_drill_context USING btree (user_id, language_id, state);

CREATE INDEX translation_drill_srs_due_idx ON public.translation_drill_srs USING btree (user_id, language_id, next_due);

CREATE INDEX translation_drill_srs_state_idx ON public.translation_drill_srs USING btree (user_id, language_id, state);

CREATE INDEX users_email_idx ON public.users USING btree (email);

ALTER TABLE "public"."card_entry_daily_stats" ADD CONSTRAINT "card_entry_daily_stats_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."card_groups" ADD CONSTRAINT "card_groups_cards_fkey" FOREIGN KEY ("user_id", "language_id", "card_id") REFERENCES "public"."cards" ("user_id", "language_id", "card_id") ON DELETE CASCADE;

ALTER TABLE "public"."card_groups" ADD CONSTRAINT "card_groups_groups_fkey" FOREIGN KEY ("user_id", "language_id", "group_id") REFERENCES "public"."groups" ("user_id", "language_id", "group_id") ON DELETE CASCADE;

ALTER TABLE "public"."card_groups" ADD CONSTRAINT "card_groups_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."card_review_daily_stats" ADD CONSTRAINT "card_review_daily_stats_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."card_review_events" ADD CONSTRAINT "card_review_events_cards_fkey" FOREIGN KEY ("user_id", "language_id", "card_id") REFERENCES "public"."cards" ("user_id", "language_id", "card_id") ON DELETE CASCADE;

ALTER TABLE "public"."card_review_events" ADD CONSTRAINT "card_review_events_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."card_review_srs" ADD CONSTRAINT "card_review_srs_cards_fkey" FOREIGN KEY ("user_id", "language_id", "card_id") REFERENCES "public"."cards" ("user_id", "language_id", "card_id") ON DELETE CASCADE;

ALTER TABLE "public"."card_review_srs" ADD CONSTRAINT "card_review_srs_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."cards" ADD CONSTRAINT "cards_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."groups" ADD CONSTRAINT "groups_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."inbox_notes" ADD CONSTRAINT "inbox_notes_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."note_card_links" ADD CONSTRAINT "note_card_links_cards_fkey" FOREIGN KEY ("user_id", "language_id", "card_id") REFERENCES "public"."cards" ("user_id", "language_id", "card_id") ON DELETE CASCADE;

ALTER TABLE "public"."note_card_links" ADD CONSTRAINT "note_card_links_inbox_notes_fkey" FOREIGN KEY ("user_id", "language_id", "note_id") REFERENCES "public"."inbox_notes" ("user_id", "language_id", "note_id") ON DELETE CASCADE;

ALTER TABLE "public"."note_card_links" ADD CONSTRAINT "note_card_links_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."study_languages" ADD CONSTRAINT "study_languages_users_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("user_id") ON DELETE CASCADE;

ALTER TABLE "public"."translation_drill_context" ADD CONSTRAINT "translation_drill_context_cards_fkey" FOREIGN KEY ("user_id", "language_id", "card_id") REFERENCES "public"."cards" ("user_id", "language_id", "card_id") ON DELETE CASCADE;

ALTER TABLE "public"."translation_drill_context" ADD CONSTRAINT "translation_drill_context_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."translation_drill_daily_stats" ADD CONSTRAINT "translation_drill_daily_stats_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."translation_drill_draw_piles" ADD CONSTRAINT "translation_drill_draw_piles_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

ALTER TABLE "public"."translation_drill_srs" ADD CONSTRAINT "translation_drill_srs_cards_fkey" FOREIGN KEY ("user_id", "language_id", "card_id") REFERENCES "public"."cards" ("user_id", "language_id", "card_id") ON DELETE CASCADE;

ALTER TABLE "public"."translation_drill_srs" ADD CONSTRAINT "translation_drill_srs_study_languages_fkey" FOREIGN KEY ("user_id", "language_id") REFERENCES "public"."study_languages" ("user_id", "language_id") ON DELETE CASCADE;

CREATE VIEW "public"."card_review_due" AS
SELECT c.user_id,
    c.language_id,
    c.card_id,
    c.content,
    c.meaning,
    c.card_type,
    srs.next_due,
    srs.interval_days,
    srs.ease_factor,
    srs.review_count
   FROM cards c
     JOIN card_review_srs srs ON srs.user_id = c.user_id AND srs.language_id = c.language_id AND srs.card_id = c.card_id
  WHERE c.status = 'active'::text AND c.deleted_at IS NULL AND srs.state = 'active'::text AND srs.next_due::numeric <= EXTRACT(epoch FROM now());

CREATE VIEW "public"."translation_active_cards" AS
SELECT c.user_id,
    c.language_id,
    c.card_id,
    c.content,
    c.meaning,
    c.card_type,
    ctx.context_id,
    ctx.source_sentence,
    ctx.target_sentence
   FROM cards c
     JOIN translation_drill_context ctx ON ctx.user_id = c.user_id AND ctx.language_id = c.language_id AND ctx.card_id = c.card_id
  WHERE c.status = 'active'::text AND c.deleted_at IS NULL AND ctx.state = 'active'::text;

COMMENT ON VIEW "public"."card_review_due" IS 'Active cards whose review is due now (next_due is epoch seconds).';

COMMENT ON VIEW "public"."translation_active_cards" IS 'Active cards with their active translation-drill context.';
