-- coordinator-mcp store. This file is the single description of the schema: the server applies
-- it on every start (every statement is idempotent) and stamps PRAGMA user_version with the
-- version below. Upgrades from older versions live in src/store/migrations.ts.
-- schema-version: 8

-- A flag is an asynchronous message from one agent to another (or to every agent when
-- target_agent is NULL): "I changed X, you must do Y".
CREATE TABLE IF NOT EXISTS flags (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,   -- AUTOINCREMENT: ids of deleted flags are never reused
  chain_origin_id   INTEGER REFERENCES flags(id),        -- the flag that caused this one
  flag_type         TEXT NOT NULL CHECK (flag_type IN ('breaking_change','new_feature','refactor','deprecation',
                      'enhancement','change','information_request','security','data_loss')),
  source_agent      TEXT NOT NULL,
  target_agent      TEXT,                                -- NULL: a broadcast to every agent
  change_description TEXT NOT NULL,                     -- length rules live in the service: imported
  action_required   TEXT NOT NULL,                     -- legacy rows keep their text as it was
  impact_level      TEXT NOT NULL DEFAULT 'medium' CHECK (impact_level IN ('critical','high','medium','low')),
  impact_rank       INTEGER GENERATED ALWAYS AS (CASE impact_level WHEN 'critical' THEN 0 WHEN 'high' THEN 1
                      WHEN 'medium' THEN 2 ELSE 3 END) VIRTUAL,
  status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','completed')),
  related_files     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(related_files)),
  code_location     TEXT,
  example_usage     TEXT,
  context           TEXT CHECK (context IS NULL OR json_valid(context)),
  created_at        TEXT NOT NULL,                       -- ISO 8601 UTC with milliseconds
  updated_at        TEXT NOT NULL,
  locked_by         TEXT,                                -- lease holder; the lease is void after lock_expires_at
  locked_at         TEXT,
  lock_expires_at   TEXT,
  completed_at      TEXT,
  completed_by      TEXT,
  notes             TEXT,
  CHECK ((locked_by IS NULL) = (lock_expires_at IS NULL)),
  CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);

-- The per-agent queue: pending flags of one target, most urgent first, then oldest first. The
-- lock columns make it covering for counts and for get_workable_flags.
CREATE INDEX IF NOT EXISTS flags_queue ON flags (target_agent, impact_rank, created_at, id, locked_by, lock_expires_at)
  WHERE status = 'pending';
-- list_flags filters, newest first (created_at, then id, the page order). status comes last so
-- that counting the matches of a filter reads the index alone, for any status (version 3;
-- version 2 had these without id and status).
CREATE INDEX IF NOT EXISTS flags_target ON flags (target_agent, created_at, id, status);
CREATE INDEX IF NOT EXISTS flags_chain ON flags (chain_origin_id) WHERE chain_origin_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS flags_source ON flags (source_agent, created_at, id, status);
CREATE INDEX IF NOT EXISTS flags_status_created ON flags (status, created_at);
CREATE INDEX IF NOT EXISTS flags_type ON flags (flag_type, impact_level, created_at, id, status);
-- The board (version 8): its search pages through every flag newest first without a filter (the
-- rowid id follows created_at in the index), and its activity plot counts completions per hour.
CREATE INDEX IF NOT EXISTS flags_created ON flags (created_at);
CREATE INDEX IF NOT EXISTS flags_completed ON flags (completed_at) WHERE completed_at IS NOT NULL;
-- Its activity page: the expired leases of pending flags, oldest expiry first, without sorting
-- every pending flag.
CREATE INDEX IF NOT EXISTS flags_lock_expiry ON flags (lock_expires_at, id) WHERE status = 'pending' AND lock_expires_at IS NOT NULL;
-- And its medians: the directed flags created in the window, read from this index alone (the
-- table's rows are wide: reading 33,000 of them took about half the time of the activity page).
CREATE INDEX IF NOT EXISTS flags_timing ON flags (created_at, target_agent, completed_at, completed_by) WHERE target_agent IS NOT NULL;

-- Every change to a flag, appended and never rewritten. No foreign key: the history of a deleted
-- flag outlives it (the 'deleted' entry carries a full copy of the row).
CREATE TABLE IF NOT EXISTS flag_history (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  flag_id   INTEGER NOT NULL,
  action    TEXT NOT NULL CHECK (action IN ('created','updated','deleted','locked','renewed','unlocked',
              'force_unlocked','lock_taken_over','completed','imported','acknowledged')),
  agent     TEXT NOT NULL,
  at        TEXT NOT NULL,
  details   TEXT CHECK (details IS NULL OR json_valid(details))
);
CREATE INDEX IF NOT EXISTS flag_history_flag ON flag_history (flag_id, id);
-- The board (version 8): a flag's first lock, and the lock events of its activity page.
CREATE INDEX IF NOT EXISTS flag_history_first_lock ON flag_history (flag_id, id) WHERE action IN ('locked', 'lock_taken_over');
CREATE INDEX IF NOT EXISTS flag_history_lock_events ON flag_history (id) WHERE action IN ('lock_taken_over', 'force_unlocked');

-- Broadcasts (target_agent NULL) are acknowledged per agent (version 6): an agent's completion of
-- a pending broadcast is a row here, and the broadcast leaves that agent's queue only. It stays
-- pending for the others until its sender (or someone with force) closes it for everyone, which
-- completes the flag. agent is the acknowledging agent's real handle (an alias resolved). The
-- primary key answers "has this agent acknowledged that broadcast" for the queues.
CREATE TABLE IF NOT EXISTS flag_acks (
  flag_id  INTEGER NOT NULL REFERENCES flags(id) ON DELETE CASCADE,
  agent    TEXT NOT NULL,
  at       TEXT NOT NULL,
  notes    TEXT,
  PRIMARY KEY (flag_id, agent)
) WITHOUT ROWID;

-- The agent catalog: one row per agent file the servers have seen, refreshed from the files on
-- start and when they change. Of several files with one name, the project's wins over the user's,
-- the user's over extra folders', those over the bundled ones: the winner is 'active', the others
-- 'shadowed'. Removed files become 'inactive'; unreadable ones 'broken', with the reason. The
-- bundled starter team is 'standby' (the reason in error) while agents of the user's own are
-- active and --bundled-agents is auto. A plugin's agents are named @plugin:agent (version 4 added
-- source 'plugin', status 'standby' and aliases).
CREATE TABLE IF NOT EXISTS agents_catalog (
  path          TEXT PRIMARY KEY,
  name          TEXT NOT NULL,                   -- the handle, e.g. @database.postgres
  domain        TEXT,                            -- the first segment (database), NULL for one-segment names
  module        TEXT,                            -- the rest (postgres), or the whole one-segment name
  source        TEXT NOT NULL CHECK (source IN ('bundled','plugin','extra','user','project')),
  description   TEXT NOT NULL DEFAULT '',
  tags          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
  capabilities  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(capabilities)),
  model         TEXT,
  color         TEXT,
  tools         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tools)),
  aliases       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)), -- other handles it answers to
  frontmatter   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(frontmatter)),
  body          TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL CHECK (status IN ('active','shadowed','standby','inactive','broken')),
  shadowed_by   TEXT,                            -- the path of the file that won, for 'shadowed'
  error         TEXT,                            -- why a 'broken' file was skipped, or a 'standby' one unused
  content_hash  TEXT NOT NULL,
  mtime_ms      REAL NOT NULL,
  size          INTEGER NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS agents_catalog_name ON agents_catalog (name, status);


-- What the Claude Code hooks have told each session (version 5): for one session and one agent
-- handle, every flag with an id up to seen_through_id has been announced or summarised, so
-- UserPromptSubmit announces only flags created after it (ids only grow: AUTOINCREMENT, one writer
-- at a time). One row per session and agent; rows untouched for 30 days are pruned.
CREATE TABLE IF NOT EXISTS hook_sessions (
  session_id       TEXT NOT NULL,
  agent            TEXT NOT NULL,
  seen_through_id  INTEGER NOT NULL,
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (session_id, agent)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS hook_sessions_updated ON hook_sessions (updated_at);

-- Bearer tokens of the HTTP transport (version 7). A token is shown once, when it is made; only
-- its SHA-256 is kept (hash, hex). id is its public part (the token reads cmcp_<id>_<secret>),
-- used to list and revoke it and to find its row before the constant-time hash comparison. role:
-- agent (may act only as the handles in agents, a JSON array, and their aliases), admin (may act
-- as anyone, recorded in the history), read-only (may call only tools that change nothing).
CREATE TABLE IF NOT EXISTS api_tokens (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('agent','admin','read-only')),
  agents      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(agents)),
  name        TEXT,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
) WITHOUT ROWID;
