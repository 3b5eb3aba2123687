import protobuf from 'protobufjs';
import { fromJSON, type Options, type PackageDefinition } from '@grpc/proto-loader';

/**
 * A gRPC package definition from proto text compiled into the JS (CRI, DMI), with no file on disk:
 * proto-loader's loadSync only reads files, and writing them to a temp dir failed wherever /tmp is not
 * writable or is replaced (a mapper running as a pod with a read-only host root). Well-known imports
 * (`google/protobuf/any.proto`) come from protobufjs's bundled definitions.
 */
export function packageDefinitionFromText(text: string, options: Options = {}): PackageDefinition {
  const root = new protobuf.Root();
  const parsed = protobuf.parse(text, root, { keepCase: options.keepCase ?? false, alternateCommentMode: true });
  for (const file of parsed.imports ?? []) {
    const common = protobuf.common.get(file);
    if (!common) throw new Error(`proto import "${file}" is not a well-known type bundled with protobufjs`);
    root.addJSON((common as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
  }
  root.resolveAll();
  return fromJSON(root.toJSON({ keepComments: false }), options);
}
