-- puckdb migration 0002_touch_cards_updated_at
-- Created 2026-12-02 19:04 UTC by puckdb 0.1.0.
-- Transaction: yes (the whole migration commits or nothing does).
-- Hazards: none

SET check_function_bodies = off;

CREATE OR REPLACE FUNCTION public.touch_updated_at()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END
$function$;

CREATE TRIGGER cards_touch_updated_at BEFORE UPDATE ON public.cards FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

COMMENT ON FUNCTION "public"."touch_updated_at"() IS 'Sets updated_at to the time of the change (BEFORE UPDATE trigger function).';

COMMENT ON TRIGGER "cards_touch_updated_at" ON "public"."cards" IS 'Keeps cards.updated_at current on every update.';
