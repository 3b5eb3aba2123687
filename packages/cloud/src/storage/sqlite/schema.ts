/**
 * kine-style layout (k8s-api.md §13): an append-only log whose AUTOINCREMENT id is the revision,
 * so ids are never reused and the counter survives compaction of the newest row. `kv_current`
 * maps each live key to its newest row, which makes "current value of every key under a prefix"
 * an index range scan instead of kine's MAX(id) GROUP BY (k3s#8042).
 */
export const schemaSql = `
CREATE TABLE IF NOT EXISTS kv_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT
);
CREATE INDEX IF NOT EXISTS kv_log_name_id ON kv_log (name, id);
-- Optimistic concurrency guard: two writes can never supersede the same row.
CREATE UNIQUE INDEX IF NOT EXISTS kv_log_name_prev ON kv_log (name, prev_revision);
CREATE TABLE IF NOT EXISTS kv_current (name TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

/** A kv_log row as the queries return it. */
export interface LogRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string | null;
}

/** A replayed row with the value it superseded (null for creates). */
export interface ReplayRow extends LogRow {
  prev_value: string | null;
}

export const sql = {
  current: 'SELECT l.id, l.name, l.create_revision, l.value FROM kv_current c JOIN kv_log l ON l.id = c.id WHERE c.name = ?',
  latestRowId: 'SELECT MAX(id) AS id FROM kv_log WHERE name = ?',
  atRevision: 'SELECT id, name, deleted, create_revision, value FROM kv_log WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1',
  insert:
    'INSERT INTO kv_log (id, name, created, deleted, create_revision, prev_revision, value) VALUES (@id, @name, @created, @deleted, @createRevision, @prevRevision, @value)',
  setCurrent: 'INSERT INTO kv_current (name, id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET id = excluded.id',
  dropCurrent: 'DELETE FROM kv_current WHERE name = ?',
  // Two variants of each range scan so SQLite gets one lower and one upper bound on the index.
  listFrom:
    'SELECT l.id, l.name, l.create_revision, l.value FROM kv_current c JOIN kv_log l ON l.id = c.id WHERE c.name >= @lo AND c.name < @hi ORDER BY c.name LIMIT @limit',
  listAfter:
    'SELECT l.id, l.name, l.create_revision, l.value FROM kv_current c JOIN kv_log l ON l.id = c.id WHERE c.name > @lo AND c.name < @hi ORDER BY c.name LIMIT @limit',
  listFromAt:
    'SELECT l.id, l.name, l.create_revision, l.value FROM kv_log l JOIN (SELECT MAX(id) AS id FROM kv_log WHERE name >= @lo AND name < @hi AND id <= @rev GROUP BY name) m ON l.id = m.id WHERE l.deleted = 0 ORDER BY l.name LIMIT @limit',
  listAfterAt:
    'SELECT l.id, l.name, l.create_revision, l.value FROM kv_log l JOIN (SELECT MAX(id) AS id FROM kv_log WHERE name > @lo AND name < @hi AND id <= @rev GROUP BY name) m ON l.id = m.id WHERE l.deleted = 0 ORDER BY l.name LIMIT @limit',
  count: 'SELECT COUNT(*) AS n FROM kv_current WHERE name >= ? AND name < ?',
  replay:
    'SELECT c.id, c.name, c.created, c.deleted, c.create_revision, c.prev_revision, c.value, p.value AS prev_value FROM kv_log c LEFT JOIN kv_log p ON p.id = c.prev_revision AND p.deleted = 0 WHERE c.id > @after AND c.name >= @lo AND c.name < @hi ORDER BY c.id',
  maxId: "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'kv_log'), 0), COALESCE((SELECT MAX(id) FROM kv_log), 0)) AS rev",
  getMeta: 'SELECT value FROM kv_meta WHERE key = ?',
  setMeta: 'INSERT INTO kv_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  // Rows in (@from, @to] that a later row at or below @rev superseded, plus delete markers.
  compactCandidates:
    'SELECT k.id FROM kv_log k WHERE k.id > @from AND k.id <= @to AND (k.deleted = 1 OR EXISTS (SELECT 1 FROM kv_log n WHERE n.name = k.name AND n.prev_revision = k.id AND n.id <= @rev))',
  deleteRow: 'DELETE FROM kv_log WHERE id = ?',
} as const;
