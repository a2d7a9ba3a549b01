import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Desktop prompts say what they are: `warning` (a plan's warning level asks "are you there?"),
 * `test` (a test through the desktop channel) or `notice` (a report, e.g. a delivery that failed
 * for good). Before this, the UI guessed from the level and the plan; existing rows are classified
 * by that same rule.
 */
const statements = [
  `ALTER TABLE desktop_prompts ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice' CHECK (kind IN ('warning', 'test', 'notice'))`,
  `UPDATE desktop_prompts SET kind = CASE WHEN level > 0 THEN 'warning' WHEN plan_id IS NULL THEN 'test' ELSE 'notice' END`,
];

export const migration0004PromptKinds: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
