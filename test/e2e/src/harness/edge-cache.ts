import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Reads one object from an edge's SQLite cache (KubeEdge's `meta` table, key `<ns>/<type>/<name>`),
 * read-only and next to the running EdgeCore. Unlike the MetaServer, which serves local revisions,
 * this shows the object exactly as the cloud delivered it, resourceVersion included.
 */
export function readEdgeCache(edge: { dataDir: string }, key: string): any {
  const db = new Database(join(edge.dataDir, 'edge.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? JSON.parse(row.value) : undefined;
  } finally {
    db.close();
  }
}
