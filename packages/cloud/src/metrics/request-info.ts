/** Verb and resource of an API request, as kube-apiserver labels its metrics (LIST/WATCH/GET/CREATE/...). */
export interface RequestInfo {
  verb: string;
  resource: string;
  subresource: string;
}

const truthy = (v: string | null) => v === 'true' || v === '1';

/**
 * Parses `/api/v1/namespaces/ns/pods/name/log` and `/apis/apps/v1/...` paths; anything else (discovery,
 * /healthz, /openapi) is resource "" with the HTTP method as verb, which keeps label cardinality small.
 */
export function requestInfo(method: string, url: string): RequestInfo {
  const u = new URL(url, 'http://x');
  const parts = u.pathname.split('/').filter(Boolean);
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) rest = parts.slice(2);
  else if (parts[0] === 'apis' && parts.length >= 3) rest = parts.slice(3);
  else return { verb: method.toUpperCase(), resource: '', subresource: '' };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [resource = '', name, subresource = ''] = rest;
  const m = method.toUpperCase();
  let verb: string;
  if (m === 'GET' || m === 'HEAD') verb = watchPath || truthy(u.searchParams.get('watch')) ? 'WATCH' : name === undefined ? 'LIST' : 'GET';
  else if (m === 'POST') verb = 'CREATE';
  else if (m === 'PUT') verb = 'UPDATE';
  else if (m === 'PATCH') verb = 'PATCH';
  else if (m === 'DELETE') verb = name === undefined ? 'DELETECOLLECTION' : 'DELETE';
  else verb = m;
  // `kubectl exec` and `logs` are CONNECT in kube-apiserver's metrics.
  if (subresource === 'exec' || subresource === 'attach' || subresource === 'portforward' || subresource === 'log') verb = 'CONNECT';
  return { verb, resource, subresource };
}
