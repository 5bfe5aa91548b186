-- puckdb down migration 0002_touch_cards_updated_at
-- Created 2026-12-02 19:04 UTC by puckdb 0.1.0.
-- Transaction: yes (the whole migration commits or nothing does).
-- Hazards:
--   backward-incompatible: drops trigger cards_touch_updated_at on cards; what it does on each write stops
--   backward-incompatible: drops function public.touch_updated_at(); code calling it breaks

-- backward-incompatible: drops trigger cards_touch_updated_at on cards; what it does on each write stops
DROP TRIGGER "cards_touch_updated_at" ON "public"."cards";

-- backward-incompatible: drops function public.touch_updated_at(); code calling it breaks
DROP FUNCTION "public"."touch_updated_at"();
