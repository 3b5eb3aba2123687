// The options of the pods/log and pods/exec subresources (k8s-api.md §10). The API server parses them from
// the query, the stream tunnel carries them to the edge, and the edge's log reader and exec relay use them:
// one definition for all three.

/** pods/log query parameters. */
export interface PodLogOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
  tailLines?: number;
  limitBytes?: number;
}

/** pods/exec query parameters. */
export interface PodExecOptions {
  container?: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}
