// Kubernetes `$(VAR)` expansion as kubelet does it for env values, command, args and subPathExpr
// (k8s.io/kubernetes third_party/forked/golang/expansion): `$$` is an escaped `$`, `$(NAME)` is replaced
// when NAME is known and kept verbatim when not, an unclosed `$(` and any other `$x` stay as written.

/** Returns the value for a name, or undefined to keep the reference as written. */
export type ExpandLookup = (name: string) => string | undefined;

export function expand(input: string, lookup: ExpandLookup): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance = 1;
    if (next === '$') {
      out += '$';
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close < 0) {
        out += '$(';
      } else {
        const name = input.slice(cursor + 2, close);
        out += lookup(name) ?? `$(${name})`;
        advance = close - cursor;
      }
    } else {
      out += `$${next}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** A lookup over name/value pairs; later pairs win, as kubelet's map does. */
export function lookupIn(vars: readonly { name: string; value: string }[]): ExpandLookup {
  const m = new Map(vars.map((v) => [v.name, v.value]));
  return (name) => m.get(name);
}
